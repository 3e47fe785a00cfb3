// The screen's syntheses, atelier by atelier: for each atelier of the programme (the first phase
// working a board), its published syntheses, one room per slide, under the atelier's title. Long
// texts are clamped to the room left on the screen, with an ellipsis, never cut mid-line.
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { byAtelier, groupFor, LEGACY_BOARD, renderPublished } from "../shared/synthesis.js";

/** Clamp `node` to the lines left above `bottom` (px), with an ellipsis; hide it if none is left. */
function clampTo(node, bottom) {
  node.style.removeProperty("-webkit-line-clamp");
  node.classList.remove("clamped");
  node.hidden = false;
  const box = node.getBoundingClientRect();
  if (box.bottom <= bottom + 0.5) return;
  const line = parseFloat(getComputedStyle(node).lineHeight) || 24;
  const lines = Math.floor((bottom - box.top) / line);
  if (lines < 1) {
    node.hidden = true;
    return;
  }
  node.classList.add("clamped");
  node.style.setProperty("-webkit-line-clamp", String(lines));
}

export class SynthesesView {
  constructor(root, { event, scaleLabel }) {
    this.root = root;
    this.event = event;
    this.scaleLabel = scaleLabel;
    this.title = root.querySelector("[data-syntheses-title]");
    this.list = root.querySelector("[data-syntheses-list]");
    this.empty = root.querySelector("[data-syntheses-empty]");
    this.position = root.querySelector("[data-syntheses-position]");
    this.roomsNode = root.querySelector("[data-syntheses-rooms]");
    this.published = new Map(); // "board room_id" → synthesis
    this.board = null;
    this.slide = 0;
    window.addEventListener("resize", () => this.fit());
  }

  /** Show `{board, slide}`: the atelier of that board (null: the first with a synthesis), its `slide`th room. */
  show(value = {}) {
    this.board = value.board ?? null;
    this.slide = value.slide || 0;
    this.root.hidden = false;
    this.render();
  }

  hide() {
    this.root.hidden = true;
  }

  /** Take every published synthesis (`get_syntheses`), or one just published. */
  take(syntheses) {
    for (const synthesis of syntheses) this.published.set(`${synthesis.board || LEGACY_BOARD} ${synthesis.room_id}`, synthesis);
    if (!this.root.hidden) this.render();
  }

  render() {
    const group = groupFor(byAtelier(this.event, [...this.published.values()]), this.board);
    const syntheses = group ? group.syntheses : [];
    const at = Math.max(Math.min(this.slide, syntheses.length - 1), 0);
    const shown = syntheses[at];
    this.title.textContent = group ? group.title || t("Autres synthèses") : t("Synthèses des ateliers");
    this.roomsNode.replaceChildren(
      ...syntheses.map((synthesis, index) =>
        el("li", { class: "screen__synthesesroom", "aria-current": index === at ? "step" : null }, synthesis.room_name),
      ),
    );
    this.roomsNode.hidden = syntheses.length < 2;
    this.list.replaceChildren(shown ? renderPublished(shown, group.columns, this.scaleLabel) : el("div"));
    this.empty.hidden = syntheses.length > 0;
    this.empty.textContent = this.published.size ? t("Aucune synthèse publiée pour cet atelier.") : t("Aucune synthèse publiée pour l'instant.");
    this.position.textContent = syntheses.length > 1 ? `${at + 1} / ${syntheses.length}` : "";
    this.fit();
  }

  /** Fit the slide to the screen: texts clamped to their cell, cards past the bottom counted instead. */
  fit() {
    if (this.root.hidden) return;
    for (const question of this.list.querySelectorAll(".synthesis__question")) {
      const text = question.querySelector(".synthesis__text");
      if (text) clampTo(text, question.getBoundingClientRect().bottom);
    }
    const list = this.list.querySelector(".synthesis__cards");
    if (!list) return;
    list.querySelector(".synthesis__more")?.remove();
    const items = [...list.querySelectorAll(".synthesis__card")];
    for (const item of items) item.hidden = false;
    const bottom = list.getBoundingClientRect().bottom;
    const over = () => items.filter((item) => !item.hidden && item.getBoundingClientRect().bottom > bottom + 0.5);
    if (!over().length) return;
    // Keep the cards that fit whole, and say how many more the synthesis holds.
    const more = el("li", { class: "synthesis__more" });
    list.append(more);
    let hidden = 0;
    for (let i = items.length - 1; i >= 0 && (over().length || more.getBoundingClientRect().bottom > bottom + 0.5); i -= 1) {
      items[i].hidden = true;
      hidden += 1;
      more.textContent = tn("+ {n} autre carte retenue", "+ {n} autres cartes retenues", hidden);
    }
  }
}
