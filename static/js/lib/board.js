// Draw a room's cards into the column lists a template laid out ([data-cards="<column>"]).
import { renderCard } from "./dom.js";
import { sortCards } from "./store.js";

export class BoardView {
  /**
   * `root`: the element holding the columns. Options go to renderCard (`staff`, `scaleLabel`,
   * `tools`…); `signature(card)`, if given, adds what else a card's drawing depends on.
   * The board as first loaded draws quietly; cards that appear later fade in.
   */
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
    this.columns = new Map();
    for (const list of root.querySelectorAll("[data-cards]")) {
      const section = list.closest("[data-column]") || list.parentElement;
      this.columns.set(list.dataset.cards, {
        list,
        count: section.querySelector("[data-count]"),
        empty: section.querySelector("[data-empty]"),
      });
    }
    // `decorate(card, pending)` may return {key, render(article)}: more to show on a card (its dots…).
    this.decorate = options.decorate || null;
    // `sortBy(cards)`: another order than newest first (by votes…); null for the default.
    this.sortBy = null;
    this._drawn = new Map(); // key → {node, signature}
    this._loaded = false; // a render with the room's cards (`ready`) has happened
  }

  /**
   * Draw `cards` (objects with id, column…) and `pending` posts (client_id, column, text…).
   * `ready`: false while the room has not been loaded yet (nothing to fade in then).
   */
  render(cards, pending = [], { ready = true } = {}) {
    const byColumn = new Map([...this.columns.keys()].map((key) => [key, []]));
    const sorted = this.sortBy ? this.sortBy([...cards]) : sortCards(cards);
    // Pending posts first: the newest thing in a column is what the person just wrote.
    for (const item of [...pending].reverse()) {
      byColumn.get(item.column)?.push({ key: `p:${item.client_id}`, card: item, pending: true });
    }
    for (const card of sorted) byColumn.get(card.column)?.push({ key: `c:${card.id}`, card, pending: false });

    const seen = new Set();
    for (const [column, entries] of byColumn) {
      const { list, count, empty } = this.columns.get(column);
      entries.forEach((entry, index) => {
        seen.add(entry.key);
        const node = this._node(entry);
        const item = node.parentElement && node.parentElement.tagName === "LI" ? node.parentElement : null;
        const li = item || document.createElement("li");
        if (!item) li.append(node);
        li.className = "cards__item";
        if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      });
      while (list.children.length > entries.length) list.lastElementChild.remove();
      const visible = entries.filter((entry) => !entry.card.hidden).length;
      if (count) count.textContent = String(visible);
      if (empty) empty.hidden = entries.length > 0;
    }
    for (const key of [...this._drawn.keys()]) if (!seen.has(key)) this._drawn.delete(key);
    if (ready) this._loaded = true;
  }

  // Return the node of an entry, drawn again only when what it shows has changed.
  _node({ key, card, pending }) {
    const extra = this.options.signature ? this.options.signature(card) : null;
    const decoration = this.decorate ? this.decorate(card, pending) : null;
    const shown = [card.text, card.hidden, card.held, card.pinned, card.edited, card.votes, card.merged];
    const signature = JSON.stringify([...shown, card.author, card.column, pending, extra, decoration && decoration.key]);
    const drawn = this._drawn.get(key);
    if (drawn && drawn.signature === signature) return drawn.node;
    const node = renderCard(card, { ...this.options, pending });
    if (decoration) decoration.render(node);
    if (drawn) {
      drawn.node.replaceWith(node);
    } else if (this._loaded && !this._wasPending(card)) {
      node.classList.add("card--new");
    }
    this._drawn.set(key, { node, signature });
    return node;
  }

  // A card that replaces its own pending drawing should not fade in a second time.
  _wasPending(card) {
    return Boolean(card.client_id && this._drawn.has(`p:${card.client_id}`));
  }
}
