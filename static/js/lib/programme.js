// The programme of the day against the local clock: what is on now, what comes next.

export const KIND_LABELS = {
  accueil: "Accueil",
  pleniere: "Plénière",
  atelier: "Atelier",
  pause: "Pause",
  repas: "Repas",
  fin: "Fin",
};

/** Return minutes since midnight of an "HH:MM" time. */
function minutes(hhmm) {
  const [h, m] = String(hhmm).split(":").map(Number);
  return h * 60 + m;
}

/** Return "9h30" for "09:30", as the French programme writes it. */
export function frenchTime(hhmm) {
  const [h, m] = String(hhmm).split(":");
  return `${Number(h)}h${m}`;
}

/** Return "9h30 – 10h" style ranges ("17h" alone when a phase has no length). */
export function frenchRange(phase) {
  const short = (t) => frenchTime(t).replace(/h00$/, "h");
  return phase.start === phase.end ? short(phase.start) : `${short(phase.start)} – ${short(phase.end)}`;
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
