// Draw a room's cards into the column lists a template laid out ([data-cards="<column>"]).
import { t } from "./i18n.js";
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
    this.rescan();
    // `decorate(card, pending)` may return {key, render(article)}: more to show on a card (its dots…).
    this.decorate = options.decorate || null;
    // `sortBy(cards)`: another order than newest first (by votes…); null for the default.
    this.sortBy = null;
    // `filter(card)`: false for a card not to show (a facet chosen); null shows every card.
    this.filter = null;
    // `groupBy`: {of(card) → group key, label(key), order: [keys]} to show cards under group
    // headings inside each column (see facets.js); null for no groups.
    this.groupBy = null;
    this._drawn = new Map(); // key → {node, signature}
    this._headings = new Map(); // group key → its heading's list item
    this._loaded = false; // a render with the room's cards (`ready`) has happened
  }

  /** Find the column lists again (the organiser added, removed or moved a column: board-columns.js). */
  rescan() {
    this.columns = new Map();
    for (const list of this.root.querySelectorAll("[data-cards]")) {
      const section = list.closest("[data-column]") || list.parentElement;
      this.columns.set(list.dataset.cards, {
        list,
        count: section.querySelector("[data-count]"),
        empty: section.querySelector("[data-empty]"),
      });
    }
  }

  /**
   * Draw `cards` (objects with id, column…) and `pending` posts (client_id, column, text…).
   * `ready`: false while the room has not been loaded yet (nothing to fade in then).
   */
  render(cards, pending = [], { ready = true } = {}) {
    const byColumn = new Map([...this.columns.keys()].map((key) => [key, []]));
    const all = [...cards];
    const shown = this.filter ? all.filter(this.filter) : all;
    const filtered = shown.length < all.length;
    const sorted = this.sortBy ? this.sortBy(shown) : sortCards(shown);
    // Pending posts first: the newest thing in a column is what the person just wrote.
    for (const item of [...pending].reverse()) {
      byColumn.get(item.column)?.push({ key: `p:${item.client_id}`, card: item, pending: true });
    }
    for (const card of sorted) byColumn.get(card.column)?.push({ key: `c:${card.id}`, card, pending: false });

    const seen = new Set();
    for (const [column, cardEntries] of byColumn) {
      const { list, count, empty } = this.columns.get(column);
      const entries = this.groupBy ? this._grouped(column, cardEntries) : cardEntries;
      entries.forEach((entry, index) => {
        seen.add(entry.key);
        const li = entry.heading ? this._heading(entry) : this._item(entry);
        if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      });
      while (list.children.length > entries.length) list.lastElementChild.remove();
      const visible = cardEntries.filter((entry) => !entry.card.hidden).length;
      if (count) count.textContent = String(visible);
      if (empty) {
        empty.hidden = cardEntries.length > 0;
        empty.dataset.text ??= empty.textContent;
        const text = filtered ? t("Aucune carte pour ce filtre.") : empty.dataset.text;
        if (empty.textContent !== text) empty.textContent = text;
      }
    }
    for (const key of [...this._drawn.keys()]) if (!seen.has(key)) this._drawn.delete(key);
    for (const key of [...this._headings.keys()]) if (!seen.has(key)) this._headings.delete(key);
    if (ready) this._loaded = true;
  }

  // Return the entries of a column in groups (the groups' order, then the cards' order in each),
  // each non-empty group after its heading.
  _grouped(column, entries) {
    const { of, label, order } = this.groupBy;
    const groups = new Map(order.map((key) => [key, []]));
    for (const entry of entries) {
      const key = of(entry.card);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(entry);
    }
    const out = [];
    for (const [key, members] of groups) {
      if (!members.length) continue;
      out.push({ key: `g:${column}:${key}`, heading: label(key) }, ...members);
    }
    return out;
  }

  // Return the list item of a group heading.
  _heading({ key, heading }) {
    let li = this._headings.get(key);
    if (!li) {
      li = document.createElement("li");
      li.className = "cards__group";
      this._headings.set(key, li);
    }
    if (li.textContent !== heading) li.textContent = heading;
    return li;
  }

  // Return the list item holding the node of a card entry.
  _item(entry) {
    const node = this._node(entry);
    const item = node.parentElement && node.parentElement.tagName === "LI" ? node.parentElement : null;
    const li = item || document.createElement("li");
    if (!item) li.append(node);
    li.className = "cards__item";
    return li;
  }

  // Return the node of an entry, drawn again only when what it shows has changed.
  _node({ key, card, pending }) {
    const extra = this.options.signature ? this.options.signature(card) : null;
    const decoration = this.decorate ? this.decorate(card, pending) : null;
    const shown = [card.text, card.hidden, card.held, card.pinned, card.edited, card.votes, card.merged, card.role];
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
