// The programme of the day against the local clock: what is on now, what comes next.
import { clock, t } from "./i18n.js";

export const KIND_LABELS = {
  accueil: t("Accueil"),
  pleniere: t("Plénière"),
  atelier: t("Atelier"),
  pause: t("Pause"),
  repas: t("Repas"),
  fin: t("Fin"),
};

/** Return minutes since midnight of an "HH:MM" time. */
function minutes(hhmm) {
  const [h, m] = String(hhmm).split(":").map(Number);
  return h * 60 + m;
}

/** Return a phase's times as people read them: "9h30 – 10h" in French, "9:30 AM – 10:00 AM" in English. */
export function timeRange(phase) {
  return phase.start === phase.end ? clock(phase.start) : `${clock(phase.start)} – ${clock(phase.end)}`;
}

/** Return `{current, next}`: the phase under way at `now` and the one after it (either may be null). */
export function currentAndNext(programme, now = new Date()) {
  const at = now.getHours() * 60 + now.getMinutes();
  const phases = [...programme].sort((a, b) => minutes(a.start) - minutes(b.start));
  const current = phases.find((p) => minutes(p.start) <= at && at < minutes(p.end)) || null;
  const after = current ? minutes(current.end) : at;
  const next = phases.find((p) => p !== current && minutes(p.start) >= after) || null;
  return { current, next };
}
