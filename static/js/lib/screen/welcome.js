// The screen's welcome: the event's title, the day's programme with now and next, how to join, who is here.
// The programme fits its box as the cards do (fit.js): its type shrinks down to the screen's
// floor, then the rows that do not fit whole are counted, never cut.
import { el } from "../shared/dom.js";
import { clock, t, tn } from "../shared/i18n.js";
import { timeRange } from "../shared/programme.js";
import { nowAndNext } from "./header.js";

// The README's promise for the projector: no type smaller than 1/48 of the screen's height.
const FLOOR = 1 / 48;

export class WelcomeView {
  /** `root`: the welcome section of screen.html (title, QR code and address already in it). */
  constructor(root, event) {
    this.root = root;
    this.event = event;
    this.day = root.querySelector(".welcome__day");
    this.programme = root.querySelector("[data-welcome-programme]");
    this.earlier = root.querySelector("[data-welcome-earlier]");
    this.later = root.querySelector("[data-welcome-later]");
    this.rooms = root.querySelector("[data-welcome-rooms]");
    this.greeting = root.querySelector("[data-welcome-greeting]");
    this.start = root.querySelector("[data-welcome-start]");
    this.counts = new Map();
    this.total = 0;
    // Fit again when the screen's size changes (or the header leaves it), and once the fonts are in.
    new ResizeObserver(() => this.fit()).observe(root);
    document.fonts.ready.then(() => this.fit());
  }

  show() {
    this.root.hidden = false;
    this.render();
  }

  hide() {
    this.root.hidden = true;
  }

  /** The programme, the phase under way and the next one marked. */
  render() {
    const { current, next } = nowAndNext(this.event);
    // Before the first phase: "Bienvenue" and when the seminar starts, the programme's first time.
    const first = (this.event.programme || [])[0];
    const waiting = this.event.current_phase_id == null && !this.event.closed;
    this.greeting.hidden = !waiting;
    this.start.hidden = !(waiting && first);
    this.start.textContent = waiting && first ? t("Le séminaire commence à {time}", { time: clock(first.start) }) : "";
    this.programme.replaceChildren(
      ...(this.event.programme || []).map((phase) => {
        const state = current && phase.id === current.id ? "now" : next && phase.id === next.id ? "next" : null;
        return el(
          "li",
          { class: `welcome__phase${state ? ` welcome__phase--${state}` : ""}`, "aria-current": state === "now" ? "time" : null },
          el("span", { class: "welcome__time" }, timeRange(phase)),
          el("span", { class: "welcome__title" }, phase.title),
          state ? el("span", { class: "welcome__tag" }, state === "now" ? t("En ce moment") : t("Ensuite")) : null,
        );
      }),
    );
    this._drawRooms();
    this.fit();
  }

  /**
   * Fit the programme to its box: its type shrinks down to the floor, then it keeps the rows that fit
   * whole around the phase under way (earlier ones leave first, then the last ones) and counts the others.
   */
  fit() {
    const list = this.programme;
    const rows = [...list.children];
    this.day.style.removeProperty("--fit");
    for (const row of rows) row.hidden = false;
    this.earlier.hidden = true;
    this.later.hidden = true;
    if (this.root.hidden || !rows.length || !list.clientHeight) return;
    const overflows = () => list.scrollHeight > list.clientHeight + 0.5;
    // A hair above the floor, so that rounding never takes the type below it.
    const floor = Math.min(1, (window.innerHeight * FLOOR + 0.01) / Number.parseFloat(getComputedStyle(rows[0]).fontSize));
    let scale = 1;
    // Every size of a row is in em: the height scales with the type (a title may wrap less, hence a few tries).
    for (let tries = 0; tries < 4 && overflows() && scale > floor; tries += 1) {
      scale = Math.max(floor, (scale * list.clientHeight) / list.scrollHeight - 0.005);
      this.day.style.setProperty("--fit", String(scale)); // through the CSSOM, which the CSP allows
    }
    const now = rows.findIndex((row) => row.classList.contains("welcome__phase--now"));
    let [first, last] = [0, rows.length]; // the rows shown: first … last - 1
    while (last - first > 1 && overflows()) {
      if (first < now) first += 1;
      else last -= 1;
      rows.forEach((row, index) => {
        row.hidden = index < first || index >= last;
      });
      this._countHidden(first, last);
    }
  }

  /** Say how many phases are before `first` and from `last` on, which the programme does not show. */
  _countHidden(first, last) {
    const phases = this.event.programme || [];
    const after = phases.length - last;
    const end = phases[phases.length - 1];
    this.earlier.hidden = first === 0;
    this.earlier.textContent = first ? tn("+ {n} temps plus tôt", "+ {n} temps plus tôt", first) : "";
    this.later.hidden = after === 0;
    this.later.textContent = after
      ? tn("+ {n} autre temps, jusqu'à {time}", "+ {n} autres temps, jusqu'à {time}", after, { time: clock(end.end || end.start) })
      : "";
  }

  /** Take the participants connected per room and in all (`presence_changed`). */
  showPresence({ rooms = [], total = 0 }) {
    this.counts = new Map(rooms.map(({ room_id: roomId, count }) => [roomId, count]));
    this.total = total;
    this._drawRooms();
  }

  _drawRooms() {
    this.root.querySelector("[data-welcome-total]").textContent = String(this.total);
    this.root.querySelector("[data-welcome-total-label]").textContent = tn("participant connecté", "participants connectés", this.total);
    this.rooms.replaceChildren(
      ...(this.event.rooms || []).map((room) => {
        const count = this.counts.get(room.id) || 0;
        return el(
          "li",
          { class: "welcome__room" },
          el("span", { class: "welcome__roomname" }, room.name),
          el("strong", { class: "welcome__roomcount" }, String(count)),
        );
      }),
    );
  }
}
