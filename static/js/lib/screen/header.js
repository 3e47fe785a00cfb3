// The screen's top line: the programme's now and next, the event's countdown, who is connected.
import { t, tn } from "../shared/i18n.js";
import { phaseAfter, phaseById } from "../shared/phase.js";
import { timeRange, KIND_LABELS } from "../shared/programme.js";
import { TimerView } from "../shared/timer.js";

/** Return `{current, next}`: the phase the organiser moved the day to and the one after it.

The clock never decides: before the organiser starts the day, nothing is on and the first phase is next. */
export function nowAndNext(event) {
  const programme = event.programme || [];
  const set = phaseById(programme, event.current_phase_id);
  return set ? { current: set, next: phaseAfter(programme, set) } : { current: null, next: programme[0] || null };
}

/** Return the line under a phase's title: its hours, and its kind when the title does not say it. */
export function phaseTime(phase) {
  const kind = KIND_LABELS[phase.kind] || phase.kind;
  return kind === phase.title ? timeRange(phase) : `${timeRange(phase)} · ${kind}`;
}

export class ScreenHeader {
  constructor(root, event) {
    this.root = root;
    this.event = event;
    this.timer = new TimerView(root.querySelector("[data-event-timer]"));
  }

  /** Now and next, and the event's countdown. */
  render() {
    const { event } = this;
    const programme = event.programme || [];
    const { current, next } = nowAndNext(event);
    const describe = (phase, empty) => (phase ? { title: phase.title, time: phaseTime(phase) } : { title: empty, time: "" });
    const started = programme.length > 0 && next !== programme[0];
    const idle = !next ? t("La journée est terminée") : started ? t("Transition") : t("La journée va commencer");
    const now = describe(current, idle);
    const then = describe(next, "—");
    this.root.querySelector("[data-now-title]").textContent = now.title;
    this.root.querySelector("[data-now-time]").textContent = now.time;
    this.root.querySelector("[data-next-title]").textContent = then.title;
    this.root.querySelector("[data-next-time]").textContent = then.time;
    this.timer.set(event.timer);
  }

  showPresence(total) {
    this.root.querySelector("[data-presence-total]").textContent = String(total);
    this.root.querySelector("[data-presence-label]").textContent = tn("participant connecté", "participants connectés", total);
  }
}
