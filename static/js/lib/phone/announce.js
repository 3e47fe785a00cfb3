// A screen reader on the phone hears each new card written by someone else, once, politely, in
// a few words (which column); the cards the page loaded with and the person's own are not announced.
import { t, tn } from "../shared/i18n.js";

const MANY = 3;
// Long enough to be read; then the region is empty again.
const CLEAR_MS = 8000;

export class CardAnnouncer {
  /** `node`: a visually hidden `aria-live="polite"` element; `columnLabel(card)`: its column's name. */
  constructor(node, { selfId, columnLabel }) {
    this.node = node;
    this.selfId = selfId;
    this.columnLabel = columnLabel;
    this.seen = new Set();
    this.primed = false;
    this.timer = null;
  }

  /** Look at the room's cards after a change; `ready`: the first sync has landed. */
  update(cards, ready) {
    if (!ready) return;
    const fresh = [];
    for (const card of cards) {
      if (this.seen.has(card.id)) continue;
      this.seen.add(card.id);
      const mine = card.author && card.author.id === this.selfId;
      if (this.primed && !mine && !card.hidden && !card.held) fresh.push(card);
    }
    this.primed = true;
    if (fresh.length === 0) return;
    this.node.textContent =
      fresh.length > MANY
        ? tn("{n} nouvelle carte.", "{n} nouvelles cartes.", fresh.length)
        : fresh.map((card) => t("Nouvelle carte dans « {column} ».", { column: this.columnLabel(card) })).join(" ");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.node.textContent = "";
    }, CLEAR_MS);
  }
}
