// The organiser's hypotheses: listed in the plenary's order, written (text and the cards cited as
// evidence), moved, deleted, put to the vote and closed, their results live (in all and by scale),
// the conclusion recorded. Collab suggests evidence for each: the organiser accepts or dismisses it.
import { el, readBoot } from "../shared/dom.js";
import { errorText } from "../shared/errors.js";
import { failure, renderResults } from "../shared/hypotheses.js";
import { DETAILS } from "../shared/hypothesis-details.js";
import { t, tn } from "../shared/i18n.js";

const EVIDENCE_MAX = readBoot().limits.hypothesis_evidence;
const STATE_LABEL = { draft: t("Brouillon"), open: t("Vote ouvert"), closed: t("Vote clos") };

export class HypothesesPanel {
  /** `root`: the page's [data-hypotheses-panel]; `call(name, payload, timeoutMs)`: the connection's call. */
  constructor(root, { call }) {
    this.root = root;
    this.call = call;
    this.list = [];
    this.cards = []; // the event's visible cards, to cite
    this.suggestions = new Map(); // hypothesis id → the cards suggested as its evidence, nearest first
    this.editing = null; // the id of the hypothesis in the form, null for a new one
    this.rows = root.querySelector("[data-hypothesis-rows]");
    this.form = root.querySelector("[data-hypothesis-form]");
    this.picker = this.form.querySelector("[data-evidence-choices]");
    this.message = root.querySelector("[data-hypotheses-message]");
    root.querySelector("[data-add-hypothesis]").addEventListener("click", () => this.open(null));
    this.form.querySelector("[data-hypothesis-cancel]").addEventListener("click", () => (this.form.hidden = true));
    this.form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._save();
    });
    this.form.elements.search.addEventListener("input", () => this._filter());
    this.picker.addEventListener("change", () => this._countChosen());
    this.rows.addEventListener("click", (click) => this._clicked(click));
  }

  /** Fetch every hypothesis, drafts included (after each connection and each `hypotheses_changed`). */
  async refresh() {
    try {
      const ack = await this.call("get_hypotheses", {}, 5000);
      if (ack.ok) this.render(ack.hypotheses);
    } catch (err) {
      console.warn("get_hypotheses", err.message);
    }
    await this.suggest();
  }

  /** Fetch the evidence suggested for every hypothesis and redraw (the cards of the day change). */
  async suggest() {
    try {
      const ack = await this.call("get_evidence_suggestions", {}, 10000);
      if (!ack.ok) return;
      this.suggestions = new Map(Object.entries(ack.suggestions).map(([id, cards]) => [Number(id), cards]));
      this.render();
    } catch (err) {
      console.warn("get_evidence_suggestions", err.message);
    }
  }

  /** Redraw one hypothesis's bars from `hypothesis_results` (a vote came in). */
  showResults({ hypothesis_id: id, results, by_scale: byScale, reasons }) {
    const hypothesis = this.list.find((h) => h.id === id);
    if (!hypothesis) return;
    Object.assign(hypothesis, { results, by_scale: byScale, reasons });
    const old = this.rows.querySelector(`[data-hypothesis-id="${id}"] .hyp-results`);
    old?.replaceWith(renderResults(hypothesis, { size: "console", heading: null, details: DETAILS }));
  }

  say(text, isError = false) {
    this.message.textContent = text;
    this.message.classList.toggle("console__message--error", isError);
  }

  /** Draw the list; conclusions being typed are kept. */
  render(list = this.list) {
    const typing = new Map();
    for (const field of this.rows.querySelectorAll("textarea[data-conclusion]")) {
      if (field.value !== field.defaultValue) typing.set(Number(field.dataset.conclusion), field.value);
    }
    this.list = list;
    this.root.querySelector("[data-hypotheses-empty]").hidden = list.length > 0;
    this.rows.replaceChildren(...list.map((h, index) => this._row(h, index, typing.get(h.id))));
  }

  _row(h, index, typed) {
    const textId = `hyp-${h.id}-text`;
    const action = (label, name, primary = false) =>
      el("button", { type: "button", class: `button button--small${primary ? " button--primary" : ""}`, "data-hyp-action": name, "aria-describedby": textId }, label);
    const actions = [
      h.state === "open" ? action(t("Clore le vote"), "close", true) : action(h.state === "closed" ? t("Rouvrir le vote") : t("Ouvrir le vote"), "open", true),
      action(t("Modifier"), "edit"),
    ];
    if (index > 0) actions.push(action(t("Monter"), "up"));
    if (index < this.list.length - 1) actions.push(action(t("Descendre"), "down"));
    actions.push(action(t("Supprimer"), "delete"));
    const evidence = h.evidence || [];
    const item = el(
      "li",
      { class: `hyplist__item hyplist__item--${h.state}`, "data-hypothesis-id": h.id },
      el("p", { class: "hyplist__head" }, el("span", { class: `hyp-state hyp-state--${h.state}` }, STATE_LABEL[h.state] || h.state), " " + t("Hypothèse {n}", { n: index + 1 })),
      el("p", { class: "hyplist__text", id: textId }, h.text),
      evidence.length
        ? el("ul", { class: "hyplist__evidence", "aria-label": t("Cartes citées") }, evidence.map((c) => el("li", {}, el("span", { class: "hyp-evidence__room" }, c.room_name), " ", c.text)))
        : el("p", { class: "muted small" }, t("Aucune carte citée.")),
      this._suggested(h, textId),
      el("div", { class: "programme__actions" }, actions),
    );
    if (h.state !== "draft") {
      const fieldId = `hyp-${h.id}-conclusion`;
      const field = el("textarea", { class: "input", id: fieldId, rows: "2", maxlength: String(readBoot().limits.hypothesis_conclusion), "data-conclusion": h.id });
      field.defaultValue = h.conclusion || "";
      field.value = typed ?? h.conclusion ?? "";
      item.append(
        renderResults(h, { size: "console", heading: null, details: DETAILS }),
        el(
          "div",
          { class: "field hyplist__conclusion" },
          el("label", { for: fieldId }, t("Conclusion de la plénière")),
          field,
          el("button", { type: "button", class: "button button--small", "data-hyp-action": "conclude", "aria-describedby": textId }, t("Enregistrer la conclusion")),
        ),
      );
    }
    return item;
  }

  /** Return the cards suggested as evidence of `h`, each to accept or dismiss (null when there is none). */
  _suggested(h, textId) {
    const cards = this.suggestions.get(h.id) || [];
    if (!cards.length) return null;
    const full = (h.evidence || []).length >= EVIDENCE_MAX;
    return el(
      "section",
      // Named by its title and its hypothesis's text: one such region per hypothesis, each its own name.
      { class: "hyp-suggested", "aria-labelledby": `hyp-suggested-${h.id} ${textId}`, "data-suggestions": h.id },
      el("p", { class: "hyp-suggested__title", id: `hyp-suggested-${h.id}` }, t("Preuves suggérées"), " ", el("span", { class: "muted small" }, t("les cartes les plus proches du texte de l'hypothèse, toutes salles confondues"))),
      el(
        "ul",
        { class: "hyp-suggested__list" },
        cards.map((card) =>
          el(
            "li",
            { class: "hyp-suggested__card", "data-card-id": card.id },
            el("span", { class: "hyp-suggested__text" }, el("span", { class: "hyp-evidence__room" }, card.room_name), " ", card.text),
            el("span", { class: "hyp-suggested__score", title: t("Proximité du texte") }, `${Math.round(card.similarity * 100)} %`),
            el("span", { class: "hyp-suggested__actions" },
              el("button", { type: "button", class: "button button--small", "data-hyp-action": "accept", "data-card-id": card.id, disabled: full, "aria-describedby": textId }, t("Accepter")),
              el("button", { type: "button", class: "button button--small", "data-hyp-action": "dismiss", "data-card-id": card.id, "aria-describedby": textId }, t("Écarter")),
            ),
          ),
        ),
      ),
    );
  }

  /** Open the form on a hypothesis (null: a new one), with the event's visible cards to cite. */
  async open(hypothesis) {
    this.editing = hypothesis ? hypothesis.id : null;
    const fields = this.form.elements;
    this.form.querySelector("[data-hypothesis-form-title]").textContent = hypothesis ? t("Modifier l'hypothèse") : t("Nouvelle hypothèse");
    fields.text.value = hypothesis ? hypothesis.text : "";
    fields.search.value = "";
    this.form.hidden = false;
    fields.text.focus();
    try {
      const ack = await this.call("get_evidence_cards", {}, 5000);
      if (ack.ok) this.cards = ack.cards;
    } catch (err) {
      this.say(t("Les cartes n'ont pas pu être chargées : {why}.", { why: failure(err) }), true);
    }
    const chosen = new Set((hypothesis ? hypothesis.evidence : []).map((c) => c.id));
    // The cited cards first, in their order, then the suggested ones, nearest first, then the others, newest first.
    const cited = (hypothesis ? hypothesis.evidence : []).map((c) => c.id);
    const suggested = new Set((hypothesis ? this.suggestions.get(hypothesis.id) || [] : []).map((c) => c.id));
    const byId = new Map(this.cards.map((c) => [c.id, c]));
    const ordered = [
      ...cited.map((id) => byId.get(id)).filter(Boolean),
      ...[...suggested].map((id) => byId.get(id)).filter(Boolean),
      ...this.cards.filter((c) => !chosen.has(c.id) && !suggested.has(c.id)),
    ];
    this.picker.replaceChildren(
      ...ordered.map((card) =>
        el(
          "li",
          { class: "evidence__choice", "data-search": `${card.room_name} ${card.text}`.toLowerCase() },
          el(
            "label",
            { class: "check" },
            el("input", { type: "checkbox", name: "evidence", value: card.id, checked: chosen.has(card.id) }),
            el(
              "span",
              {},
              suggested.has(card.id) ? el("span", { class: "evidence__suggested" }, t("suggérée")) : null,
              el("span", { class: "hyp-evidence__room" }, card.room_name),
              " ",
              card.text,
            ),
          ),
        ),
      ),
    );
    this.form.querySelector("[data-evidence-empty]").hidden = ordered.length > 0;
    this._countChosen();
  }

  _filter() {
    const words = this.form.elements.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of this.picker.children) {
      const checked = item.querySelector("input").checked;
      item.hidden = !checked && !words.every((word) => item.dataset.search.includes(word));
    }
  }

  _chosen() {
    return [...this.picker.querySelectorAll("input:checked")].map((box) => Number(box.value));
  }

  _countChosen() {
    const n = this._chosen().length;
    this.form.querySelector("[data-evidence-count]").textContent = tn("{n} carte citée sur {max} au plus", "{n} cartes citées sur {max} au plus", n, { max: EVIDENCE_MAX });
  }

  async _request(name, payload, failed) {
    try {
      const ack = await this.call(name, payload, 5000);
      if (!ack.ok) throw new Error(errorText(ack.error));
      this.say("");
      if (ack.hypotheses) this.render(ack.hypotheses);
      return ack;
    } catch (err) {
      this.say(t("{failed} : {why}.", { failed, why: failure(err) }), true);
      return null;
    }
  }

  async _save() {
    const evidence = this._chosen();
    if (evidence.length > EVIDENCE_MAX) {
      this.say(t("Citez {max} cartes au plus.", { max: EVIDENCE_MAX }), true);
      return;
    }
    const payload = { hypothesis_id: this.editing, text: this.form.elements.text.value.trim(), evidence };
    const ack = await this._request("save_hypothesis", payload, t("L'hypothèse n'a pas pu être enregistrée"));
    if (ack) {
      this.form.hidden = true;
      this.say(t("Hypothèse enregistrée."));
    }
  }

  async _clicked(click) {
    const button = click.target.closest("button[data-hyp-action]");
    if (!button) return;
    const id = Number(button.closest("[data-hypothesis-id]").dataset.hypothesisId);
    const index = this.list.findIndex((h) => h.id === id);
    const hypothesis = this.list[index];
    if (!hypothesis) return;
    const ref = { hypothesis_id: id };
    switch (button.dataset.hypAction) {
      case "open":
        await this._request("open_hypothesis", ref, t("Le vote n'a pas pu être ouvert"));
        break;
      case "close":
        await this._request("close_hypothesis", ref, t("Le vote n'a pas pu être clos"));
        break;
      case "edit":
        this.open(hypothesis);
        break;
      case "up":
      case "down":
        await this._request("move_hypothesis", { ...ref, position: button.dataset.hypAction === "up" ? index - 1 : index + 1 }, t("L'hypothèse n'a pas pu être déplacée"));
        break;
      case "delete":
        if (window.confirm(t("Supprimer cette hypothèse et ses votes ?"))) {
          await this._request("delete_hypothesis", ref, t("L'hypothèse n'a pas pu être supprimée"));
        }
        break;
      case "accept": {
        const ack = await this._request("accept_evidence", { ...ref, card_id: Number(button.dataset.cardId) }, t("La preuve n'a pas pu être acceptée"));
        if (ack) {
          this.say(t("Preuve acceptée : elle est citée avec l'hypothèse."));
          await this.suggest();
        }
        break;
      }
      case "dismiss": {
        const ack = await this._request("dismiss_evidence", { ...ref, card_id: Number(button.dataset.cardId) }, t("La preuve n'a pas pu être écartée"));
        if (ack) {
          this.say(t("Preuve écartée : elle ne sera plus suggérée pour cette hypothèse."));
          await this.suggest();
        }
        break;
      }
      case "conclude": {
        const field = this.rows.querySelector(`textarea[data-conclusion="${id}"]`);
        const ack = await this._request("conclude_hypothesis", { ...ref, conclusion: field.value }, t("La conclusion n'a pas pu être enregistrée"));
        if (ack) this.say(t("Conclusion enregistrée."));
        break;
      }
    }
  }
}
