// The screen's word cloud: the words the cards use most, sized by use, in alphabetical order so that
// a refresh only grows, shrinks or adds words where they belong: nothing jumps.
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { QueryView } from "./query.js";

const SETTLE_MS = 2000;
const SIZES = 8; // font-size steps, .wordcloud__word--s1 … --s8 in screen-modes.css
const MIN_SCALE = 0.6; // the smallest word stays at 1.1em × 0.6 of the screen's type, 10 px at 720 px

/** Return a word's colour, 0..3, from its letters: the same word keeps its colour whatever comes around it. */
export function colourOf(word) {
  let hash = 0;
  for (const char of word) hash = (hash * 31 + char.codePointAt(0)) % 9973;
  return hash % 4;
}

/** Return a word's size step, 1..SIZES, on a square-root scale between the least and the most used. */
export function sizeStep(count, least, most) {
  if (most <= least) return Math.ceil(SIZES / 2);
  const share = (Math.sqrt(count) - Math.sqrt(least)) / (Math.sqrt(most) - Math.sqrt(least));
  return 1 + Math.round(share * (SIZES - 1));
}

export class WordCloudView extends QueryView {
  constructor(root, { event, call }) {
    super(root, { call, name: "get_word_cloud", settleMs: SETTLE_MS });
    this.event = event;
    this.cloud = root.querySelector("[data-wordcloud]");
    this.title = root.querySelector("[data-wordcloud-title]");
    this.empty = root.querySelector("[data-wordcloud-empty]");
    this.drawn = null; // the words drawn, to fade in only the new ones
  }

  /** Show the words of `board` (a board key), or of the whole day (null). */
  show(board = null) {
    if (board !== this.board || this.root.hidden) this.drawn = null;
    this.board = board;
    const found = (this.event.boards || []).find((b) => b.key === board);
    this.title.textContent = found ? t("Les mots de l'atelier : {board}", { board: found.title }) : t("Les mots de la journée");
    this.root.hidden = false;
    this.refresh();
  }

  render({ words }) {
    const counts = words.map((w) => w.count);
    const least = Math.min(...counts);
    const most = Math.max(...counts);
    const sorted = [...words].sort((a, b) => a.word.localeCompare(b.word, "fr", { sensitivity: "base" }));
    const before = this.drawn;
    this.cloud.replaceChildren(
      ...sorted.map((w) => {
        const step = sizeStep(w.count, least, most);
        const fresh = before !== null && !before.has(w.word);
        return el(
          "li",
          {
            class: `wordcloud__word wordcloud__word--s${step} wordcloud__word--c${colourOf(w.word)}${fresh ? " card--new" : ""}`,
            "data-count": w.count,
          },
          w.word,
        );
      }),
    );
    this.drawn = new Set(words.map((w) => w.word));
    this.empty.hidden = words.length > 0;
    this.fit();
  }

  /** Scale the words down, if need be, until every one is on screen whole (a 1280×720 projector). */
  fit() {
    const cloud = this.cloud;
    if (this.root.hidden) return;
    cloud.classList.add("wordcloud__words--fitting"); // measured at once, not mid-transition
    const fits = (scale) => {
      cloud.style.setProperty("--scale", String(scale));
      return cloud.scrollHeight <= cloud.clientHeight && cloud.scrollWidth <= cloud.clientWidth;
    };
    if (!fits(1)) {
      let [low, high] = [MIN_SCALE, 1];
      for (let step = 0; step < 7; step += 1) {
        const middle = (low + high) / 2;
        if (fits(middle)) low = middle;
        else high = middle;
      }
      // Still too many at the smallest readable scale: the least used words give way.
      const least = [...cloud.children].sort((a, b) => Number(a.dataset.count) - Number(b.dataset.count));
      while (!fits(low) && least.length > 1) least.shift().remove();
    }
    cloud.classList.remove("wordcloud__words--fitting");
  }
}
