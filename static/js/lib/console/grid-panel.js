// The grille de lecture's curation (facilitator console, organiser page): per question, the points
// collab proposes from the day's cards beside the points kept; add, edit inline, merge two, move,
// delete, publish. Every console of the event reads the grid again on `grid_changed`.
import { actionRunner } from "./actions.js";
import { el, readBoot } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";

const TEXT_MAX = readBoot().limits.grid_point_text;

export class GridPanel {
  /** `root`: the page's [data-grid-panel]; `call(name, payload, timeoutMs)`: the connection's call. */
  constructor(root, { call }) {
    this.root = root;
    this.call = call;
    // What went wrong shows in the panel, beside what was done.
    this.run = actionRunner(call, (text) => this.say(text));
    this.grid = null;
    this.chosen = []; // the ids of the points ticked for a merge, in the order ticked
    this.editing = null; // the id of the point whose text is being edited
    this.questions = root.querySelector("[data-grid-questions]");
    this.status = root.querySelector("[data-grid-status]");
    this.message = root.querySelector("[data-grid-message]");
    this.mergeButton = root.querySelector("[data-grid-merge]");
    this.mergeForm = root.querySelector("[data-grid-merge-form]");
    this.publishButton = root.querySelector("[data-grid-publish]");
    this.withdrawButton = root.querySelector("[data-grid-withdraw]");
    this.publishButton.addEventListener("click", () => this._act("publish_grid", {}, t("Publier la grille"), t("Grille publiée.")));
    this.withdrawButton.addEventListener("click", () => this._act("withdraw_grid", {}, t("Retirer la grille"), t("Grille retirée.")));
    this.mergeButton.addEventListener("click", () => this._openMerge());
    this.mergeForm.addEventListener("click", (click) => this._keep(click));
    this.mergeForm.querySelector("[data-grid-merge-cancel]").addEventListener("click", () => this._closeMerge());
    this.mergeForm.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._merge();
    });
  }

  /** Fetch the proposals and points (after each connection and each `grid_changed`). */
  async refresh() {
    try {
      const ack = await this.call("get_grid", {}, 10000);
      if (ack.ok) this.render(ack);
    } catch (err) {
      console.warn("get_grid", err.message);
    }
  }

  say(text) {
    this.message.textContent = text;
  }

  /** Draw every question: its points, then what collab proposes. */
  render(grid = this.grid) {
    this.grid = grid;
    const ids = new Set(grid.questions.flatMap((q) => q.points.map((p) => p.id)));
    this.chosen = this.chosen.filter((id) => ids.has(id));
    if (this.editing !== null && !ids.has(this.editing)) this.editing = null;
    this.status.textContent = grid.published_at
      ? t("Grille publiée le {moment}.", { moment: new Date(grid.published_at).toLocaleString(document.documentElement.lang || "fr") })
      : t("Grille pas encore publiée.");
    this.withdrawButton.hidden = !grid.published;
    this.publishButton.textContent = grid.published ? t("Publier à nouveau") : t("Publier la grille");
    // What is being typed survives a redraw (another console's change comes in as one).
    const typed = [...this.questions.querySelectorAll("input[type=text], input:not([type]), textarea")].map((field) => [field.id, field.value]);
    const focused = this.questions.contains(document.activeElement) ? document.activeElement.id : "";
    this.questions.replaceChildren(...grid.questions.map((question) => this._question(question)));
    for (const [id, value] of typed) {
      const field = id && this.questions.querySelector(`#${CSS.escape(id)}`);
      if (field) field.value = value;
    }
    if (focused) this.questions.querySelector(`#${CSS.escape(focused)}`)?.focus();
    this._showMergeButton();
  }

  _question(question) {
    const id = `grid-q-${question.key}`;
    const points = el(
      "ol",
      { class: "gridcur__points", "aria-label": t("Points retenus") },
      question.points.map((point, index) => this._point(point, index, question.points.length)),
    );
    const input = el("input", { class: "input", id: `${id}-new`, name: "text", maxlength: TEXT_MAX, required: true, autocomplete: "off" });
    const write = el(
      "form",
      { class: "gridcur__write" },
      el("label", { class: "gridcur__label", for: `${id}-new` }, t("Écrire un point")),
      el("span", { class: "gridcur__row" }, input, el("button", { type: "submit", class: "button button--small" }, t("Ajouter"))),
    );
    write.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._add(question.key, input.value, [], input.id);
    });
    const proposals = question.proposals.length
      ? el("ul", { class: "gridcur__proposals" }, question.proposals.map((proposal) => this._proposal(question.key, proposal)))
      : el("p", { class: "muted small" }, t("Aucune carte à proposer pour l'instant."));
    // Not a region: the room boards' columns are regions of the same names.
    return el(
      "div",
      { class: "gridq", "data-grid-question": question.key },
      el("h3", { class: "gridq__label", id }, question.label),
      question.hint ? el("p", { class: "gridq__hint muted small" }, question.hint) : null,
      el(
        "div",
        { class: "gridq__columns" },
        el(
          "div",
          { class: "gridq__kept" },
          el("h4", { class: "gridq__subtitle" }, tn("{n} point retenu", "{n} points retenus", question.points.length)),
          question.points.length ? points : el("p", { class: "muted small" }, t("Aucun point pour l'instant.")),
          write,
        ),
        el("div", { class: "gridq__proposed" }, el("h4", { class: "gridq__subtitle" }, t("Propositions")), proposals),
      ),
    );
  }

  _point(point, index, count) {
    const item = el("li", { class: "gridpoint", "data-grid-point": point.id });
    const origin = [point.room_name || t("organisation"), point.cards.length ? tn("{n} carte", "{n} cartes", point.cards.length) : null]
      .filter(Boolean)
      .join(" · ");
    if (this.editing === point.id) {
      const area = el("textarea", { class: "input", id: `grid-edit-${point.id}`, rows: 2, maxlength: TEXT_MAX, required: true });
      area.value = point.text;
      const form = el(
        "form",
        { class: "gridpoint__edit" },
        el("label", { class: "visually-hidden", for: `grid-edit-${point.id}` }, t("Texte du point")),
        area,
        el(
          "span",
          { class: "gridcur__row" },
          el("button", { type: "submit", class: "button button--small button--primary" }, t("Enregistrer")),
          el("button", { type: "button", class: "button button--small", "data-grid-cancel": true }, t("Annuler")),
        ),
      );
      form.addEventListener("submit", (submitted) => {
        submitted.preventDefault();
        this._act("save_grid_point", { point_id: point.id, text: area.value }, t("Modifier le point"), "").then((ok) => {
          if (ok) this.editing = null;
        });
      });
      form.querySelector("[data-grid-cancel]").addEventListener("click", () => {
        this.editing = null;
        this.render();
      });
      item.append(form);
      queueMicrotask(() => area.focus());
      return item;
    }
    const tick = el("input", { type: "checkbox", id: `grid-pick-${point.id}`, disabled: !point.editable });
    tick.checked = this.chosen.includes(point.id);
    tick.addEventListener("change", () => {
      this.chosen = tick.checked ? [...this.chosen, point.id] : this.chosen.filter((id) => id !== point.id);
      // Two at most: ticking a third unticks the first.
      for (const dropped of this.chosen.splice(0, Math.max(0, this.chosen.length - 2))) {
        const box = this.questions.querySelector(`#grid-pick-${dropped}`);
        if (box) box.checked = false;
      }
      this._showMergeButton();
    });
    const button = (label, what, onClick, disabled = false) => {
      const node = el("button", { type: "button", class: "button button--small", "aria-label": `${what} : ${point.text}`, disabled: disabled || !point.editable }, label);
      node.addEventListener("click", onClick);
      return node;
    };
    item.append(
      el(
        "span",
        { class: "gridpoint__head" },
        tick,
        el("label", { class: "gridpoint__text", for: `grid-pick-${point.id}` }, point.text),
      ),
      el("span", { class: "gridpoint__origin muted small" }, origin),
      el(
        "span",
        { class: "gridpoint__tools" },
        button(t("Modifier"), t("Modifier"), () => {
          this.editing = point.id;
          this.render();
        }),
        button("↑", t("Monter"), () => this._act("move_grid_point", { point_id: point.id, position: index - 1 }, t("Déplacer le point"), ""), index === 0),
        button("↓", t("Descendre"), () => this._act("move_grid_point", { point_id: point.id, position: index + 1 }, t("Déplacer le point"), ""), index === count - 1),
        button(t("Supprimer"), t("Supprimer"), () => this._act("delete_grid_point", { point_id: point.id }, t("Supprimer le point"), t("Point supprimé."))),
      ),
    );
    return item;
  }

  _proposal(question, proposal) {
    const facts = [
      tn("{n} carte", "{n} cartes", proposal.cards.length),
      proposal.rooms.join(", "),
      proposal.synthesised ? t("dans une synthèse") : null,
      proposal.pinned ? t("épinglée") : null,
      proposal.dots ? tn("{n} point de vote", "{n} points de vote", proposal.dots) : null,
    ].filter(Boolean);
    const add = el("button", { type: "button", class: "button button--small", "aria-label": `${t("Ajouter")} : ${proposal.text}` }, t("Ajouter"));
    add.addEventListener("click", () => this._add(question, proposal.text, proposal.cards, ""));
    const item = el(
      "li",
      { class: "gridproposal", "data-grid-proposal": true },
      el("span", { class: "gridproposal__text" }, proposal.text),
      el("span", { class: "gridproposal__facts muted small" }, facts.join(" · ")),
      add,
    );
    if (proposal.sources.length > 1) {
      item.append(
        el(
          "details",
          { class: "gridproposal__sources" },
          el("summary", {}, t("Les cartes")),
          el("ul", {}, proposal.sources.map((card) => el("li", {}, `${card.text} (${card.room_name})`))),
        ),
      );
    }
    return item;
  }

  /** Add a point; `inputId`: the field it was written in, emptied once the point is in (the panel was redrawn). */
  async _add(question, text, cards, inputId) {
    const ok = await this._act("save_grid_point", { question, text, cards }, t("Ajouter le point"), t("Point ajouté."));
    const input = ok && inputId ? this.questions.querySelector(`#${CSS.escape(inputId)}`) : null;
    if (input) input.value = "";
  }

  /** Send one change; the answer is this console's new view. Return whether it was done. */
  async _act(event, payload, failed, done) {
    const ack = await this.run(event, payload, { failed, invalid: t("le texte d'un point a de 1 à {max} caractères", { max: TEXT_MAX }) });
    if (!ack) return false;
    this.say(done);
    if (event === "merge_grid_points") this.chosen = [];
    this.render(ack);
    return true;
  }

  _chosenPoints() {
    const points = this.grid ? this.grid.questions.flatMap((q) => q.points) : [];
    return this.chosen.map((id) => points.find((p) => p.id === id)).filter(Boolean);
  }

  _showMergeButton() {
    const chosen = this._chosenPoints();
    this.mergeButton.disabled = !(chosen.length === 2 && chosen[0].question === chosen[1].question);
    if (this.mergeButton.disabled) this.mergeForm.hidden = true;
  }

  _openMerge() {
    const [first, second] = this._chosenPoints();
    this.mergeForm.elements.text.value = `${first.text} ${second.text}`.slice(0, TEXT_MAX);
    this.mergeForm.hidden = false;
    this.mergeForm.elements.text.focus();
  }

  _keep(click) {
    const which = click.target.closest("[data-grid-merge-keep]")?.dataset.gridMergeKeep;
    if (!which) return;
    const [first, second] = this._chosenPoints();
    const text = which === "both" ? `${first.text} ${second.text}` : which === "0" ? first.text : second.text;
    this.mergeForm.elements.text.value = text.slice(0, TEXT_MAX);
  }

  _closeMerge() {
    this.mergeForm.hidden = true;
  }

  async _merge() {
    const [first, second] = this._chosenPoints();
    const payload = { point_id: first.id, other_id: second.id, text: this.mergeForm.elements.text.value };
    if (await this._act("merge_grid_points", payload, t("Fusionner les points"), t("Points fusionnés."))) this._closeMerge();
  }
}
