// The screen's syntheses: each room's published synthesis, one per slide, in the rooms' order.
import { el } from "./dom.js";
import { renderPublished } from "./synthesis.js";

export class SynthesesView {
  constructor(root, { event, scaleLabel }) {
    this.root = root;
    this.event = event;
    this.scaleLabel = scaleLabel;
    this.list = root.querySelector("[data-syntheses-list]");
    this.empty = root.querySelector("[data-syntheses-empty]");
    this.position = root.querySelector("[data-syntheses-position]");
    this.published = new Map();
    this.slide = 0;
  }

  /** Show slide `slide` (0 is the first room with a published synthesis; past the last, the last). */
  show(slide = 0) {
    this.slide = slide;
    this.root.hidden = false;
    this.render();
  }

  hide() {
    this.root.hidden = true;
  }

  /** Take every published synthesis (`get_syntheses`), or one just published. */
  take(syntheses) {
    for (const synthesis of syntheses) this.published.set(synthesis.room_id, synthesis);
    if (!this.root.hidden) this.render();
  }

  render() {
    const order = (this.event.rooms || []).map((room) => room.id);
    const published = [...this.published.values()].sort((a, b) => order.indexOf(a.room_id) - order.indexOf(b.room_id));
    const at = Math.min(this.slide, published.length - 1);
    // The syntheses are written per question of the four-question grid.
    const boards = this.event.boards || [];
    const board = boards.find((b) => b.key === "four_questions") || boards[0];
    const shown = published[at];
    this.list.replaceChildren(shown ? renderPublished(shown, board ? board.columns : [], this.scaleLabel) : el("div"));
    this.empty.hidden = published.length > 0;
    this.position.textContent = published.length > 1 ? `${at + 1} / ${published.length}` : "";
  }
}
