// The screen's welcome: the event's title, the day's programme with now and next, how to join, who is here.
import { el } from "./dom.js";
import { clock, t, tn } from "./i18n.js";
import { timeRange } from "./programme.js";
import { nowAndNext } from "./screen-header.js";

export class WelcomeView {
  /** `root`: the welcome section of screen.html (title, QR code and address already in it). */
  constructor(root, event) {
    this.root = root;
    this.event = event;
    this.programme = root.querySelector("[data-welcome-programme]");
    this.rooms = root.querySelector("[data-welcome-rooms]");
    this.greeting = root.querySelector("[data-welcome-greeting]");
    this.start = root.querySelector("[data-welcome-start]");
    this.counts = new Map();
    this.total = 0;
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
