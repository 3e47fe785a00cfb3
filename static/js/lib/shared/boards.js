// Which board a room shows (the one its current phase works on), and a room's boards drawn side
// by side in the page, only the shown one visible.
import { BoardView } from "./board.js";
import { addBoardNode, syncColumns } from "./board-columns.js";

/**
 * Return the board a room shows in `phase`: the board whose key is the phase's activity; in a phase
 * without one (before the first phase, a plenary, a break), `four_questions` if the event has it
 * (otherwise its first board), unless the organiser opened other boards early: then the first of them.
 * Null for an event without boards.
 */
export function boardFor(event, phase) {
  const boards = event.boards || [];
  const own = phase && boards.find((board) => board.key === phase.activity);
  if (own) return own;
  const usual = boards.find((board) => board.key === "four_questions") || boards[0] || null;
  const opened = boards.filter((board) => (event.open_boards || []).includes(board.key));
  return opened.length && !opened.includes(usual) ? opened[0] : usual;
}

/**
 * Return the keys of the boards that take cards in `phase`, as the server decides (`current_boards`):
 * the phase's own board first, then those the organiser opened early, in the event's order.
 */
export function boardsTakingCards(event, phase) {
  const boards = event.boards || [];
  const own = phase && boards.find((board) => board.key === phase.activity);
  const opened = boards.filter((board) => board !== own && (event.open_boards || []).includes(board.key));
  return [...(own ? [own] : []), ...opened].map((board) => board.key);
}

/**
 * Tell whether `phase` is atelier 2, the four questions, by its activity (not as the fallback
 * board): the moment a room's situation links back to atelier 1's cards.
 */
export function linksBackToCaseStudy(phase) {
  return Boolean(phase && phase.activity === "four_questions");
}

/** Return the board with this key among the event's, or null. */
export function boardByKey(event, key) {
  return (event.boards || []).find((board) => board.key === key) || null;
}

export class RoomBoards {
  /**
   * `root`: an element holding one `.columns[data-board=<key>]` per board (the `columns` macro of
   * _board.html); `options` go to each board's BoardView. Cards are split by `card.board`.
   */
  constructor(root, options = {}) {
    this.options = options;
    this.views = new Map();
    for (const node of root.querySelectorAll(".columns[data-board]")) {
      this.views.set(node.dataset.board, new BoardView(node, options));
    }
    this.shown = null;
    // A Facets bar (facets.js) filtering and grouping the case-study board's cards, or null.
    this.facets = null;
  }

  /** Follow the organiser's edits of `boards`: kinds, column labels and hints, columns and boards added. */
  follow(boards) {
    for (const board of boards || []) {
      const view = this.views.get(board.key);
      if (view) {
        if (syncColumns(view.root, board)) view.rescan();
      } else if (this.views.size && board.columns.length) {
        const node = addBoardNode([...this.views.values()][0].root, board);
        this.views.set(board.key, new BoardView(node, this.options));
      }
    }
  }

  /** The kind of the shown board ("grid", "case_study", "competences"), or "". */
  get kind() {
    const view = this.view();
    return view ? view.root.dataset.boardKind || "" : "";
  }

  /** Show the board `key` (the first one if this page has no such board); return true if it changed. */
  show(key) {
    const wanted = this.views.has(key) ? key : [...this.views.keys()][0] || null;
    for (const [board, view] of this.views) view.root.hidden = board !== wanted;
    const changed = wanted !== this.shown;
    this.shown = wanted;
    return changed;
  }

  /** The BoardView of a board (the shown one without a key). */
  view(key = this.shown) {
    return this.views.get(key) || null;
  }

  /** Order every board's cards by `sortBy(cards)` (null: pinned, then newest first). */
  set sortBy(sortBy) {
    for (const view of this.views.values()) view.sortBy = sortBy;
  }

  /** Draw `cards` and `pending` posts, each on the board it names (`board`). */
  render(cards, pending = [], options = {}) {
    const split = (items) => {
      const byBoard = new Map([...this.views.keys()].map((key) => [key, []]));
      for (const item of items) byBoard.get(item.board)?.push(item);
      return byBoard;
    };
    const cardsByBoard = split(cards);
    const pendingByBoard = split(pending);
    for (const [key, view] of this.views) {
      if (this.facets && view.root.dataset.boardKind === "case_study") this.facets.applyTo(view);
      view.render(cardsByBoard.get(key), pendingByBoard.get(key), options);
    }
  }
}
