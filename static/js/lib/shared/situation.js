// A room's situation (case study): its text shown where the room works, and the link from another
// board back to what the case-study board holds about the same situation.
import { el } from "./dom.js";
import { t, tn } from "./i18n.js";

/** Return the situation of room `roomId` in `event`, or null. */
export function situationOf(event, roomId) {
  const room = (event.rooms || []).find((r) => r.id === roomId);
  return (room && room.situation) || null;
}

/**
 * Fill the elements of `root` that show a situation: [data-situation-title],
 * [data-situation-description], [data-situation-protagonists] (a list), hiding the empty ones.
 */
export function showSituation(root, situation) {
  const title = root.querySelector("[data-situation-title]");
  const description = root.querySelector("[data-situation-description]");
  const protagonists = root.querySelector("[data-situation-protagonists]");
  if (title && title.textContent !== (situation ? situation.title : "")) title.textContent = situation ? situation.title : "";
  if (description) {
    description.textContent = (situation && situation.description) || "";
    description.hidden = !description.textContent;
  }
  if (protagonists) {
    const names = (situation && situation.protagonists) || [];
    const wanted = JSON.stringify(names);
    if (protagonists.dataset.shown !== wanted) {
      protagonists.replaceChildren(...names.map((name) => el("li", { class: "tag" }, name)));
      protagonists.dataset.shown = wanted;
    }
    for (const node of root.querySelectorAll("[data-situation-protagonists-only]")) node.hidden = names.length === 0;
  }
}

/**
 * Return the words of the link to the case-study board's cards: the event's own (its texts), else
 * derived from the board's name ("Voir « Décrypter la situation »"), the same as templates/_wording.html.
 */
export function caseStudyLink(event) {
  const own = event.texts && event.texts.case_study_link;
  if (own) return own;
  const board = (event.boards || []).find((b) => b.kind === "case_study");
  return board ? t("Voir « {board} »", { board: board.title }) : t("Voir l'analyse du cas");
}

/**
 * The disclosure "Voir « Décrypter la situation » (N cartes)" in `details` (a <details> holding
 * <summary>): it loads `get_situation_cards` over `call` and lists the cards by column of the
 * case-study board, each with its role and its room. `eager`: load as soon as it is shown
 * (to say how many cards), and stay out of sight while there is none (a projector shows no
 * empty disclosure); otherwise on first opening.
 */
export class SituationCards {
  constructor(details, { call, event, eager = false }) {
    this.details = details;
    this.call = call;
    this.event = event;
    this.eager = eager;
    this.situationId = null;
    this.loaded = null; // the situation id the list was loaded for
    this.summary = details.querySelector("summary");
    this.body = details.querySelector("[data-situation-cards]") || details.appendChild(el("div", { class: "atelier1__body" }));
    details.addEventListener("toggle", () => {
      if (details.open) this.load();
    });
  }

  /** Show the disclosure for situation `situationId` (hide it with null); `visible`: false to hide it. */
  show(situationId, visible = true) {
    const id = visible ? situationId : null;
    if (id === null) this.details.hidden = true;
    else if (!this.eager || this.loaded === id) this.details.hidden = false;
    if (id === this.situationId) return;
    this.situationId = id;
    this.loaded = null;
    this.details.open = false;
    this.summary.textContent = caseStudyLink(this.event);
    this.body.replaceChildren();
    if (this.eager) this.details.hidden = true; // until its cards are counted
    if (id !== null && this.eager) this.load();
  }

  /** Load again if shown and wanted (after a (re)connection). */
  refresh() {
    if (this.situationId !== null && (this.eager || (!this.details.hidden && this.details.open))) this.load();
  }

  /** Ask the server for the situation's cards and draw them. */
  async load() {
    const id = this.situationId;
    if (id === null) return;
    let ack;
    try {
      ack = await this.call("get_situation_cards", { situation_id: id }, 10000);
    } catch {
      ack = null;
    }
    if (id !== this.situationId) return; // the room changed situation meanwhile
    if (!ack || !ack.ok) {
      // Not loaded: the next opening or (re)connection asks again.
      const why = ack ? t("Ces cartes n'ont pas pu être chargées.") : t("Pas de connexion au serveur pour l'instant.");
      this.body.replaceChildren(el("p", { class: "atelier1__empty" }, why));
      return;
    }
    this.loaded = id;
    this._draw(ack.cards || []);
  }

  _draw(cards) {
    const n = cards.length;
    if (this.eager) this.details.hidden = n === 0 || this.situationId === null;
    this.summary.textContent = tn("{link} ({n} carte)", "{link} ({n} cartes)", n, { link: caseStudyLink(this.event) });
    const board = (this.event.boards || []).find((b) => b.kind === "case_study") || { columns: [] };
    const groups = board.columns
      .map((column) => ({ column, cards: cards.filter((card) => card.column === column.key) }))
      .filter((group) => group.cards.length);
    if (!groups.length) {
      this.body.replaceChildren(el("p", { class: "atelier1__empty" }, t("Aucune carte écrite sur cette situation pour l'instant.")));
      return;
    }
    this.body.replaceChildren(
      ...groups.map(({ column, cards: inColumn }) =>
        el(
          "section",
          { class: "atelier1__column" },
          el("p", { class: "atelier1__title" }, column.label),
          el(
            "ul",
            { class: "atelier1__cards" },
            inColumn.map((card) =>
              el(
                "li",
                { class: "atelier1__card" },
                el("span", { class: "atelier1__text" }, card.text),
                el(
                  "span",
                  { class: "atelier1__meta" },
                  [card.role, card.room_name].filter(Boolean).join(" · "),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
