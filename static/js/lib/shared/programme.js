// The programme of the day: the kinds of phases and their times, as people read them.
import { clock, t } from "./i18n.js";

export const KIND_LABELS = {
  accueil: t("Accueil"),
  pleniere: t("Plénière"),
  atelier: t("Atelier"),
  pause: t("Pause"),
  repas: t("Repas"),
  fin: t("Fin"),
};

/** Return a phase's times as people read them: "9h30 – 10h" in French, "9:30 AM – 10:00 AM" in English. */
export function timeRange(phase) {
  return phase.start === phase.end ? clock(phase.start) : `${clock(phase.start)} – ${clock(phase.end)}`;
}
