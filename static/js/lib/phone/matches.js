// The phone's "Mises en relation": for each of my needs the offers that answer it, for each of
// my offers the needs it answers; "Être mis en relation" shares a contact line once both accept.
import { el, readBoot } from "../shared/dom.js";
import { competenceColumns, failure, Refresher, skillLabels, skillTags, whyLine } from "../shared/competences.js";
import { errorText } from "../shared/errors.js";
import { t } from "../shared/i18n.js";

const CONTACT_MAX = readBoot().limits.contact;

const SIDES = [
  {
    key: "needs", // my needs, each with the offers proposed
    title: t("Qui pourrait m'aider"),
    mine: t("Votre besoin"),
    other: "offer",
    // Where to write: the competences board's own column name.
    empty: (columns) => t("Écrivez dans « {column} » ce dont vous avez besoin : les offres qui y répondent apparaîtront ici.", { column: columns.need }),
    none: t("Personne ne propose cela pour l'instant."),
  },
  {
    key: "offers", // my offers, each with the needs proposed
    title: t("Qui je pourrais aider"),
    mine: t("Votre apport"),
    other: "need",
    empty: (columns) => t("Écrivez dans « {column} » ce que vous pouvez offrir : les besoins auxquels cela répond apparaîtront ici.", { column: columns.offer }),
    none: t("Personne n'a exprimé ce besoin pour l'instant."),
  },
];

/** Return the key of a match: its offer and need card ids. */
function matchKey(match) {
  return `${match.offer.id}:${match.need.id}`;
}

export class MatchesPanel {
  /**
   * Draw the panel into `root` (an empty <section>); `call` is the connection's acknowledged
   * call; `event` the boot event (skill labels). Hidden until `show(true)`.
   */
  constructor(root, { call, event }) {
    this.root = root;
    this.call = call;
    this.labels = skillLabels(event);
    this.data = null; // the last get_matches acknowledgement
    this.openKey = null; // the proposal whose contact form is open
    this.contact = ""; // the contact line last given, offered again in the next form
    this.saidAt = 0;
    this.refresher = new Refresher(() => this._load());
    root.classList.add("matches");
    root.setAttribute("aria-labelledby", "matches-title");
    root.hidden = true;
    this.status = el("p", { class: "matches__status", role: "status", "aria-live": "polite" });
    this.sides = new Map(
      SIDES.map((side) => {
        const list = el("ol", { class: "matches__mine" });
        const empty = el("p", { class: "matches__empty" }, side.empty(competenceColumns(event)));
        const section = el(
          "section",
          { class: "matches__side", "aria-labelledby": `matches-${side.key}` },
          el("h3", { class: "matches__subtitle", id: `matches-${side.key}` }, side.title),
          empty,
          list,
        );
        return [side.key, { side, section, list, empty }];
      }),
    );
    root.replaceChildren(
      el("h2", { class: "matches__title", id: "matches-title" }, t("Mises en relation")),
      el("p", { class: "matches__intro" }, t("Ce que les autres participants apportent ou cherchent, au plus près de vos cartes.")),
      this.status,
      ...[...this.sides.values()].map((part) => part.section),
    );
    root.addEventListener("click", (click) => this._clicked(click));
    root.addEventListener("submit", (submitted) => this._submitted(submitted));
  }

  /** Show the panel (the competences board is on) and load it, or hide it. */
  show(visible) {
    const was = !this.root.hidden;
    this.root.hidden = !visible;
    if (visible && !was) this.refresh();
    if (!visible) this.refresher.cancel();
  }

  /** Ask for my matches now (on connect, on `match_changed`, after my own post lands). */
  refresh() {
    if (!this.root.hidden) this.refresher.now();
  }

  /** Ask again after a random short wait (on `competences_changed`). */
  refreshSoon() {
    if (!this.root.hidden) this.refresher.soon();
  }

  async _load() {
    let ack;
    try {
      ack = await this.call("get_matches", {}, 10000);
    } catch (err) {
      if (!this.data) this.say(t("Les mises en relation n'ont pas pu être chargées : {why}.", { why: failure(err) }), true);
      return; // the next connection asks again
    }
    if (!ack || !ack.ok) {
      this.say(t("Les mises en relation n'ont pas pu être chargées : {why}.", { why: errorText(ack && ack.error) }), true);
      return;
    }
    this.data = ack;
    // An error is over once a load works; a "done" line, once the cards say it (a few seconds on).
    const error = this.status.classList.contains("matches__status--error");
    if (error || Date.now() - this.saidAt > 5000) this.say("");
    this.render();
  }

  /** Show a line under the title (what happened, or what went wrong). */
  say(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle("matches__status--error", isError);
    this.saidAt = Date.now();
  }

  /** Draw my cards and their proposals; an open contact form keeps what is typed and the focus. */
  render() {
    const typing = this.root.querySelector("[data-contact-form] input");
    const typed = typing ? typing.value : null;
    const focused = typing && document.activeElement === typing;
    for (const { side, list, empty } of this.sides.values()) {
      const mine = (this.data && this.data[side.key]) || [];
      for (const entry of mine) for (const match of entry.matches || []) if (match.my_contact) this.contact = match.my_contact;
      list.replaceChildren(...mine.map((entry) => this._mine(side, entry)));
      empty.hidden = mine.length > 0;
    }
    const form = this.openKey && this.root.querySelector(`[data-contact-form="${this.openKey}"]`);
    if (!form) this.openKey = null;
    else if (typed !== null) {
      form.elements.contact.value = typed;
      if (focused) form.elements.contact.focus();
    }
  }

  // One of my cards, then the proposals for it, best first.
  _mine(side, { card, matches = [] }) {
    return el(
      "li",
      { class: "mine", "data-my-card": card.id },
      el("p", { class: "mine__label" }, side.mine),
      el("p", { class: "mine__text" }, card.text),
      matches.length
        ? el("ol", { class: "proposals", "aria-label": t("Propositions pour « {text} »", { text: card.text.slice(0, 60) }) }, matches.map((match) => el("li", {}, this._proposal(side, match))))
        : el("p", { class: "mine__none" }, side.none),
    );
  }

  // Another person's card that answers mine: who, where, why, and where we stand.
  _proposal(side, match) {
    const other = match[side.other];
    const key = matchKey(match);
    const pseudonym = (other.author && other.author.pseudonym) || t("Quelqu'un");
    const textId = `match-${side.key}-${key.replace(":", "-")}`;
    const both = match.accepted_by_me && match.accepted_by_them;
    const state = both ? "both" : match.accepted_by_me ? "mine" : match.accepted_by_them ? "theirs" : "none";
    const article = el(
      "article",
      { class: `proposal proposal--${state}`, "data-match": key, "aria-labelledby": textId },
      el("p", { class: "proposal__text", id: textId }, other.text),
      el(
        "p",
        { class: "proposal__who" },
        el("strong", { class: "proposal__pseudonym" }, pseudonym),
        other.room_name ? ` · ${other.room_name}` : "",
      ),
      skillTags(other.skill, this.labels),
      el("p", { class: "proposal__why" }, t("Pourquoi : {why}", { why: whyLine(match, this.labels) })),
      this._state(state, match, pseudonym, other),
    );
    const button = (label, attrs) =>
      el("button", { type: "button", class: "button button--small", "aria-describedby": textId, ...attrs }, label);
    const actions = el("p", { class: "proposal__actions" });
    if (!match.accepted_by_me) {
      const open = this.openKey === key;
      actions.append(
        button(t("Être mis en relation"), {
          class: state === "theirs" ? "button button--small button--primary" : "button button--small button--secondary",
          "data-match-open": key,
          "aria-expanded": String(open),
        }),
      );
      article.append(actions);
      if (open) article.append(this._form(key, textId, match));
    } else {
      actions.append(button(both ? t("Annuler la mise en relation") : t("Retirer ma demande"), { class: "button button--small button--quiet", "data-match-withdraw": key }));
      article.append(actions);
    }
    return article;
  }

  // Where the two people stand: nobody asked, I asked, they asked, or both (with their contact).
  _state(state, match, pseudonym, other) {
    const line = (text, extra = "") => el("p", { class: `proposal__state ${extra}`.trim() }, text);
    if (state === "none") return null;
    if (state === "theirs") return line(t("{pseudonym} souhaite vous rencontrer.", { pseudonym }), "proposal__state--theirs");
    const mine = match.my_contact ? t("Vos coordonnées : {contact}", { contact: match.my_contact }) : t("Vous n'avez pas laissé de coordonnées.");
    if (state === "mine") {
      return el(
        "div",
        { class: "proposal__status" },
        line(t("Demande envoyée : en attente de {pseudonym}.", { pseudonym }), "proposal__state--mine"),
        el("p", { class: "proposal__note" }, mine + " " + t("Elles ne seront transmises que si {pseudonym} accepte aussi.", { pseudonym })),
      );
    }
    return el(
      "div",
      { class: "proposal__status" },
      line(t("Vous êtes mis en relation avec {pseudonym}.", { pseudonym }), "proposal__state--both"),
      match.contact
        ? el("p", { class: "proposal__contact" }, t("Contact de {pseudonym} : ", { pseudonym }), el("strong", { class: "proposal__contactline" }, match.contact))
        : el("p", { class: "proposal__note" }, other.room_name
            ? t("{pseudonym} n'a pas laissé de coordonnées : retrouvez-vous ({room}) à la pause.", { pseudonym, room: other.room_name })
            : t("{pseudonym} n'a pas laissé de coordonnées : retrouvez-vous à la pause.", { pseudonym })),
      el("p", { class: "proposal__note" }, mine),
    );
  }

  // The optional contact line, asked before the request goes.
  _form(key, textId, match) {
    const inputId = `${textId}-contact`;
    const form = el(
      "form",
      { class: "proposal__form", "data-contact-form": key, novalidate: true },
      el("label", { class: "proposal__label", for: inputId }, t("Vos coordonnées (facultatif)")),
      el("input", {
        class: "input",
        id: inputId,
        name: "contact",
        type: "text",
        maxlength: String(CONTACT_MAX),
        autocomplete: "email",
        "aria-describedby": `${inputId}-help`,
        value: this.contact || match.my_contact || "",
      }),
      el(
        "p",
        { class: "proposal__help", id: `${inputId}-help` },
        t("Un e-mail ou un téléphone, par exemple. Transmis à l'autre personne seulement si vous acceptez tous les deux."),
      ),
      el(
        "p",
        { class: "proposal__actions" },
        el("button", { type: "submit", class: "button button--small button--primary" }, t("Confirmer la mise en relation")),
        el("button", { type: "button", class: "button button--small button--quiet", "data-match-cancel": key }, t("Annuler")),
      ),
    );
    return form;
  }

  _find(key) {
    for (const side of ["needs", "offers"]) {
      for (const entry of (this.data && this.data[side]) || []) {
        for (const match of entry.matches || []) if (matchKey(match) === key) return match;
      }
    }
    return null;
  }

  // Take an accepted or withdrawn match into what is drawn (both sides may hold it).
  _replace(key, update) {
    for (const side of ["needs", "offers"]) {
      for (const entry of (this.data && this.data[side]) || []) {
        entry.matches = (entry.matches || []).map((match) => (matchKey(match) === key ? { ...match, ...update } : match));
      }
    }
    this.render();
  }

  _clicked(click) {
    const button = click.target.closest("button");
    if (!button || button.disabled) return;
    if (button.dataset.matchOpen) {
      this.openKey = this.openKey === button.dataset.matchOpen ? null : button.dataset.matchOpen;
      this.render();
      const input = this.openKey && this.root.querySelector(`[data-contact-form="${this.openKey}"] input`);
      if (input) input.focus();
    } else if (button.dataset.matchCancel) {
      this.openKey = null;
      this.render();
      this.root.querySelector(`[data-match-open="${button.dataset.matchCancel}"]`)?.focus();
    } else if (button.dataset.matchWithdraw) {
      this._withdraw(button, button.dataset.matchWithdraw);
    }
  }

  async _submitted(submitted) {
    const form = submitted.target.closest("[data-contact-form]");
    if (!form) return;
    submitted.preventDefault();
    const key = form.dataset.contactForm;
    const match = this._find(key);
    const input = form.elements.contact;
    const contact = input.value.replace(/\s+/g, " ").trim();
    if (contact.length > CONTACT_MAX) {
      input.setAttribute("aria-invalid", "true");
      this.say(t("Vos coordonnées comptent {max} caractères au plus.", { max: CONTACT_MAX }), true);
      input.focus();
      return;
    }
    if (!match) return;
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      const ack = await this.call("accept_match", { offer_id: match.offer.id, need_id: match.need.id, contact }, 5000);
      if (!ack || !ack.ok) throw new Error(errorText(ack && ack.error));
      if (contact) this.contact = contact;
      this.openKey = null;
      this._replace(key, ack.match || { accepted_by_me: true, my_contact: contact || null });
      this.say(ack.match && ack.match.accepted_by_them ? t("Mise en relation faite.") : t("Demande envoyée."));
    } catch (err) {
      this.say(t("La demande n'est pas partie : {why}. Réessayez.", { why: failure(err) }), true);
      if (submit.isConnected) submit.disabled = false;
    }
  }

  async _withdraw(button, key) {
    const match = this._find(key);
    if (!match) return;
    button.disabled = true;
    try {
      const ack = await this.call("withdraw_match", { offer_id: match.offer.id, need_id: match.need.id }, 5000);
      if (!ack || !ack.ok) throw new Error(errorText(ack && ack.error));
      this._replace(key, { accepted_by_me: false, contact: null, my_contact: null });
      this.say(t("Demande retirée."));
      this.refresh();
    } catch (err) {
      this.say(t("La demande n'a pas été retirée : {why}. Réessayez.", { why: failure(err) }), true);
      if (button.isConnected) button.disabled = false;
    }
  }
}
