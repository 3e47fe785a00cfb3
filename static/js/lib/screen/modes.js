// What the screen shows: the organiser's choice (set_screen → screen_changed), one view at a time.
// The screen's own "Synthèses" and "Réciprocité" buttons, and atelier 3 while the organiser leaves
// the rooms on, override it locally until the organiser chooses again: the organiser's choice wins.

export const MODES = ["welcome", "rooms", "room", "combined", "syntheses", "hypothesis", "competences", "wordcloud"];

export class ScreenModes {
  /**
   * `views`: {name: {show(value), hide()}} for welcome, rooms, combined, syntheses, hypothesis,
   * competences, wordcloud ("room" is the rooms view with one room); `toggles`: {mode: button}.
   */
  constructor(body, views, toggles = {}) {
    this.body = body;
    this.views = views;
    this.toggles = toggles;
    this.screen = { mode: "rooms" };
    this.local = null; // a mode the screen shows by itself, until the organiser chooses again
    for (const [mode, button] of Object.entries(toggles)) {
      if (!button) continue;
      button.addEventListener("click", () => this.override(this.local === mode ? null : mode));
    }
  }

  /** Take the organiser's choice (boot, `get_screen`, `screen_changed`); `fresh`: a new choice, which ends any local one. */
  set(screen, { fresh = true } = {}) {
    if (!screen || !MODES.includes(screen.mode)) return;
    const same = JSON.stringify(screen) === JSON.stringify(this.screen);
    this.screen = screen;
    if (fresh && !same) this.local = null;
    this.apply();
  }

  /** Show a mode by itself (a toggle, atelier 3), or go back to the organiser's (null). */
  override(mode) {
    this.local = mode;
    this.apply();
  }

  /** The mode on screen now. */
  get mode() {
    return this.local || this.screen.mode;
  }

  apply() {
    const mode = this.mode;
    // A mode shown by itself starts at its beginning (another mode's board is not the syntheses' atelier).
    const screen = this.local ? { mode: this.local } : this.screen;
    this.body.dataset.mode = mode;
    const view = mode === "room" ? "rooms" : mode;
    for (const [name, each] of Object.entries(this.views)) if (name !== view) each.hide();
    const value = {
      rooms: null,
      room: screen.room_id,
      combined: screen.board,
      syntheses: { board: screen.board ?? null, slide: screen.slide || 0 },
      hypothesis: screen.hypothesis_id,
      wordcloud: screen.board ?? null,
    }[mode];
    this.views[view].show(value);
    for (const [name, button] of Object.entries(this.toggles)) button?.setAttribute("aria-pressed", String(mode === name));
  }
}
