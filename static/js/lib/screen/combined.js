// The screen's combined board: one board's questions with every room's cards, the same idea from
// several rooms grouped (the server groups them: get_combined_board). Asked again a moment after cards change.
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { QueryView } from "./query.js";
import { fitList } from "./fit.js";

const SETTLE_MS = 1200; // a burst of cards (a reveal, a merge) brings one request
const GROUP_SHOWN = 2; // the cards a group of the same idea shows; it counts the others

export class CombinedView extends QueryView {
  constructor(root, { call }) {
    super(root, { call, name: "get_combined_board", settleMs: SETTLE_MS });
    this.title = root.querySelector("[data-combined-title]");
    this.columns = root.querySelector("[data-combined-columns]");
    this.status = root.querySelector("[data-combined-status]");
    this.seen = null; // card ids already drawn for this board: the others fade in
  }

  /** Show the combined board of `board` (a board key). */
  show(board) {
    if (board !== this.board) {
      this.board = board;
      this.seen = null;
      this.columns.replaceChildren();
    }
    this.root.hidden = false;
    this.refresh();
  }

  render(board) {
    this.title.textContent = t("{board} · toutes les salles", { board: board.title });
    const first = this.seen === null;
    const seen = new Set();
    const total = board.columns.reduce((n, column) => n + column.groups.length, 0);
    this.status.hidden = total > 0;
    this.columns.replaceChildren(
      ...board.columns.map((column) => {
        const id = `combined-${column.key}`;
        const groups = column.groups.map((group) => {
          const isNew = !first && group.cards.some((card) => !this.seen.has(card.id));
          group.cards.forEach((card) => seen.add(card.id));
          return el(
            "li",
            { class: `cgroup${group.cards.length > 1 ? " cgroup--shared" : ""}${isNew ? " card--new" : ""}` },
            group.rooms > 1 ? el("p", { class: "cgroup__rooms" }, `${group.rooms} salles`) : null,
            el(
              "ul",
              { class: "cgroup__cards" },
              group.cards.slice(0, GROUP_SHOWN).map((card) =>
                el("li", { class: "ccard" }, el("p", { class: "ccard__text" }, card.text), el("p", { class: "ccard__room" }, card.room_name)),
              ),
            ),
            group.cards.length > GROUP_SHOWN
              ? el("p", { class: "cgroup__more" }, tn("+ {n} carte semblable", "+ {n} cartes semblables", group.cards.length - GROUP_SHOWN))
              : null,
          );
        });
        const more = el("p", { class: "column__more", hidden: true });
        return el(
          "section",
          { class: "column ccolumn", "aria-labelledby": id, "data-combined-column": column.key },
          el("header", { class: "column__head" }, el("h3", { class: "column__title", id }, column.label)),
          el("ol", { class: "cards cgroups" }, groups),
          groups.length ? null : el("p", { class: "column__empty" }, t("Aucune carte.")),
          more,
        );
      }),
    );
    this.seen = seen;
    for (const column of this.columns.children) {
      fitList(column.querySelector(".cgroups"), column.querySelector(".column__more"), (n) =>
        tn("+ {n} autre idée", "+ {n} autres idées", n),
      );
    }
  }
}

