// The organiser's remote for the plenary screen: one button per mode (with its room, board or
// hypothesis), the mode on screen pressed, and the keys of a presentation clicker: → / PageDown
// for the next slide (a room, a synthesis, a hypothesis) or mode, ← / PageUp for the previous one.
import { el } from "../shared/dom.js";
import { errorText, failureText } from "../shared/errors.js";
import { t, tn } from "../shared/i18n.js";
import { byAtelier, groupFor } from "../shared/synthesis.js";

const ORDER = ["welcome", "rooms", "room", "combined", "syntheses", "hypothesis", "competences", "wordcloud"];
const NEXT_KEYS = new Set(["ArrowRight", "PageDown"]);
const PREVIOUS_KEYS = new Set(["ArrowLeft", "PageUp"]);
const NAMES = {
  welcome: t("l'accueil"),
  rooms: t("toutes les salles"),
  room: t("une salle"),
  combined: t("la grille commune"),
  syntheses: t("les synthèses"),
  hypothesis: t("une hypothèse"),
  competences: t("la réciprocité"),
  wordcloud: t("le nuage de mots"),
};

/** Tell whether a key press belongs to a field (typing), not to the remote. */
function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
}

export class ScreenRemote {
  /** `root`: the organiser page's "Écran de la plénière" section; `call`: the connection's acknowledged call. */
  constructor(root, { event, call, screen }) {
    this.root = root;
    this.event = event;
    this.call = call;
    this.alert = root.querySelector("[data-remote-message]");
    this.screen = screen || { mode: "rooms" };
    this.groups = []; // the published syntheses by atelier: the syntheses mode's choices and slides
    this.hypotheses = []; // [{id, text}] the slides of the hypothesis mode
    this.buttons = new Map([...root.querySelectorAll("[data-screen-mode]")].map((b) => [b.dataset.screenMode, b]));
    this.choices = new Map([...root.querySelectorAll("[data-screen-choice]")].map((s) => [s.dataset.screenChoice, s]));
    this.now = root.querySelector("[data-remote-now]");
    this.slideNode = root.querySelector("[data-remote-slide]");
    for (const [mode, button] of this.buttons) button.addEventListener("click", () => this.choose(mode));
    for (const [mode, select] of this.choices) {
      // A new room, board or hypothesis for the mode on screen shows at once.
      select.addEventListener("change", () => {
        if (this.screen.mode === mode) this.choose(mode);
      });
    }
    document.addEventListener("keydown", (key) => {
      if (key.altKey || key.ctrlKey || key.metaKey || key.shiftKey || typing(key.target)) return;
      const step = NEXT_KEYS.has(key.key) ? 1 : PREVIOUS_KEYS.has(key.key) ? -1 : 0;
      if (!step) return;
      key.preventDefault();
      this.step(step);
    });
    this.render();
  }

  /** Show `mode` on the screen, with the room, board, slide or hypothesis chosen beside its button. */
  choose(mode, slide = 0) {
    return this.send(this.payload(mode, slide));
  }

  payload(mode, slide = 0) {
    const value = (name) => (this.choices.get(name) ? this.choices.get(name).value : "");
    if (mode === "room") return { mode, room_id: Number(value("room")) };
    if (mode === "combined") return { mode, board: value("combined") || null };
    if (mode === "wordcloud") return { mode, board: value("wordcloud") || null };
    if (mode === "hypothesis") return { mode, hypothesis_id: Number(value("hypothesis")) };
    if (mode === "syntheses") {
      // A slide number past the chosen atelier's rooms steps into the next atelier's.
      const { board, at } = this._synthesisSlide(slide, value("syntheses") || null);
      return { mode, board, slide: at };
    }
    return { mode };
  }

  async send(payload) {
    let ack = null;
    try {
      ack = await this.call("set_screen", payload, 5000);
    } catch (err) {
      ack = { ok: false, why: failureText(err) };
    }
    this.alert.hidden = ack.ok;
    this.alert.textContent = ack.ok ? "" : t("L'écran n'a pas pu changer : {why}.", { why: ack.why || errorText(ack.error) });
    if (ack.ok) this.take(ack.screen);
    return ack;
  }

  /** Take what the screen shows (ack, `get_screen`, `screen_changed`). */
  take(screen) {
    if (!screen) return;
    this.screen = screen;
    if (screen.mode === "room" && this.choices.get("room")) this.choices.get("room").value = String(screen.room_id);
    if (screen.mode === "hypothesis" && this.choices.get("hypothesis")) this.choices.get("hypothesis").value = String(screen.hypothesis_id);
    if (screen.mode === "combined" && this.choices.get("combined")) this.choices.get("combined").value = screen.board || "";
    if (screen.mode === "wordcloud" && this.choices.get("wordcloud")) this.choices.get("wordcloud").value = screen.board || "";
    if (screen.mode === "syntheses" && this.choices.get("syntheses")) {
      const group = groupFor(this.groups, screen.board);
      if (group) this.choices.get("syntheses").value = group.board;
    }
    this.render();
  }

  /** Take the published syntheses (`get_syntheses`): the syntheses mode's ateliers and slides. */
  setSyntheses(published) {
    this.groups = byAtelier(this.event, published).filter((group) => group.syntheses.length || group.title);
    const select = this.choices.get("syntheses");
    if (select) {
      const chosen = select.value;
      select.replaceChildren(
        ...this.groups.map((group) =>
          el("option", { value: group.board }, `${group.title || t("Autres synthèses")} (${tn("{n} publiée", "{n} publiées", group.syntheses.length)})`),
        ),
      );
      const shown = this.screen.mode === "syntheses" ? groupFor(this.groups, this.screen.board) : null;
      const first = this.groups.find((group) => group.syntheses.length);
      select.value = shown ? shown.board : this.groups.some((g) => g.board === chosen) ? chosen : first ? first.board : select.value;
    }
    this.render();
  }

  /** The atelier's published syntheses, in the order the screen steps through them. */
  get published() {
    return this.groups.reduce((sum, group) => sum + group.syntheses.length, 0);
  }

  /** The slides of every atelier in a row: [{board, at}], one per published synthesis. */
  _synthesisSlides() {
    return this.groups.flatMap((group) => group.syntheses.map((_s, at) => ({ board: group.board, at })));
  }

  /** Return {board, at} for the `slide`th room of `board`'s atelier, carried into the next ateliers past its last. */
  _synthesisSlide(slide, board) {
    const slides = this._synthesisSlides();
    const start = slides.findIndex((s) => s.board === board);
    if (start < 0) return { board, at: slide };
    return slides[Math.min(start + slide, slides.length - 1)];
  }

  /** Take the event's hypotheses ([{id, text}]), the hypothesis mode's slides and choices. */
  setHypotheses(hypotheses) {
    this.hypotheses = hypotheses;
    const select = this.choices.get("hypothesis");
    if (select) {
      const chosen = select.value;
      select.replaceChildren(...hypotheses.map((h, i) => el("option", { value: h.id }, `${i + 1}. ${h.text}`)));
      if (hypotheses.some((h) => String(h.id) === chosen)) select.value = chosen;
      select.disabled = hypotheses.length === 0;
    }
    this.render();
  }

  render() {
    const { mode } = this.screen;
    for (const [name, button] of this.buttons) button.setAttribute("aria-pressed", String(name === mode));
    const hypothesisButton = this.buttons.get("hypothesis");
    if (hypothesisButton) hypothesisButton.disabled = this.hypotheses.length === 0;
    const hypothesisSelect = this.choices.get("hypothesis");
    if (hypothesisSelect) hypothesisSelect.disabled = this.hypotheses.length === 0;
    const slides = this.published;
    const group = mode === "syntheses" ? groupFor(this.groups, this.screen.board) : null;
    const rooms = group ? group.syntheses.length : 0;
    const slide = Math.min(this.screen.slide || 0, Math.max(rooms - 1, 0));
    this.slideNode.textContent = rooms > 1 ? `${slide + 1} / ${rooms}` : slides ? tn("{n} publiée", "{n} publiées", slides) : t("aucune publiée");
    this.now.textContent = this._nowText(NAMES[mode] || mode);
  }

  /** Say what the screen shows: "L'écran montre une salle : Salle 2." */
  _nowText(what) {
    const { screen } = this;
    let detail = null;
    if (screen.mode === "room") {
      const room = (this.event.rooms || []).find((r) => r.id === screen.room_id);
      detail = room ? room.name : null;
    }
    if (screen.mode === "combined" || screen.mode === "wordcloud") {
      const board = (this.event.boards || []).find((b) => b.key === screen.board);
      detail = board ? board.title : screen.mode === "wordcloud" ? t("toute la journée") : null;
    }
    if (screen.mode === "syntheses") {
      const group = groupFor(this.groups, screen.board);
      if (group && group.syntheses.length > 1) {
        const slide = Math.min(screen.slide || 0, group.syntheses.length - 1) + 1;
        const atelier = group.title || t("Autres synthèses");
        return t("L'écran montre {what} : {detail} ({slide} sur {count}).", { what, detail: atelier, slide, count: group.syntheses.length });
      }
      detail = group ? group.title || t("Autres synthèses") : null;
    }
    return detail ? t("L'écran montre {what} : {detail}.", { what, detail }) : t("L'écran montre {what}.", { what });
  }

  /** The slides of `mode`: rooms, published syntheses or hypotheses (1 for a mode without slides). */
  _slides(mode) {
    if (mode === "room") return (this.event.rooms || []).length;
    if (mode === "syntheses") return Math.max(this.published, 1);
    if (mode === "hypothesis") return this.hypotheses.length;
    return 1;
  }

  /** The slide the screen is on within its mode. */
  _at() {
    const { screen } = this;
    if (screen.mode === "room") return Math.max((this.event.rooms || []).findIndex((r) => r.id === screen.room_id), 0);
    if (screen.mode === "syntheses") {
      // Where the screen is among every atelier's slides.
      const group = groupFor(this.groups, screen.board);
      const slides = this._synthesisSlides();
      const start = group ? slides.findIndex((s) => s.board === group.board) : -1;
      if (start < 0) return 0;
      return Math.min(start + Math.min(screen.slide || 0, group.syntheses.length - 1), this._slides("syntheses") - 1);
    }
    if (screen.mode === "hypothesis") return Math.max(this.hypotheses.findIndex((h) => h.id === screen.hypothesis_id), 0);
    return 0;
  }

  /** Go one slide forward (1) or back (-1), into the next or previous mode past its ends. */
  step(direction) {
    let mode = this.screen.mode;
    let at = this._at() + direction;
    if (at < 0 || at >= this._slides(mode)) {
      let index = ORDER.indexOf(mode);
      do {
        index += direction;
      } while (index >= 0 && index < ORDER.length && this._slides(ORDER[index]) === 0);
      if (index < 0 || index >= ORDER.length) return null; // the first or last slide: stay
      mode = ORDER[index];
      at = direction > 0 ? 0 : this._slides(mode) - 1;
    }
    if (mode === "room") this.choices.get("room").value = String(this.event.rooms[at].id);
    if (mode === "hypothesis") this.choices.get("hypothesis").value = String(this.hypotheses[at].id);
    if (mode === "syntheses") {
      const slides = this._synthesisSlides();
      const target = slides[at] || { board: this.choices.get("syntheses")?.value || null, at: 0 };
      if (this.choices.get("syntheses") && target.board) this.choices.get("syntheses").value = target.board;
      return this.send({ mode, board: target.board, slide: target.at });
    }
    return this.choose(mode, 0);
  }
}
