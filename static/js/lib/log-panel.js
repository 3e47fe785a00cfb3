// The organiser's moderation log: who did what, when, in which room; newest first.
import { el } from "./dom.js";
import { clockSeconds, t } from "./i18n.js";

/** Labels of the logged actions, in the page's language; an action not listed here is shown as it is named. */
export const ACTION_LABELS = {
  card_hidden: t("Carte masquée"),
  card_restored: t("Carte rétablie"),
  card_edited: t("Carte modifiée"),
  card_deleted: t("Carte supprimée"),
  card_merged: t("Cartes fusionnées"),
  card_unmerged: t("Fusion annulée"),
  card_pinned: t("Carte épinglée"),
  card_unpinned: t("Carte désépinglée"),
  card_approved: t("Carte approuvée"),
  card_rejected: t("Carte refusée"),
  cards_revealed: t("Cartes dévoilées"),
  room_locked: t("Salle verrouillée"),
  room_unlocked: t("Salle déverrouillée"),
  activity_opened: t("Activité ouverte"),
  activity_paused: t("Activité en pause"),
  activity_closed: t("Activité fermée"),
  timer_started: t("Minuteur lancé"),
  timer_stopped: t("Minuteur arrêté"),
  synthesis_published: t("Synthèse publiée"),
  link_created: t("Lien créé"),
  link_revoked: t("Lien révoqué"),
  link_regenerated: t("Lien régénéré"),
};

const ROLE_LABELS = { organiser: t("Organisation"), facilitator: t("Animation"), screen: t("Écran"), participant: t("Participant") };

/** Return who acted, in the page's language: "Animation · Salle 1", "Organisation"… */
export function actorLabel(actor) {
  const [role, ...rest] = String(actor).split(":");
  const label = ROLE_LABELS[role] || role;
  if (rest.length) return `${label} · ${rest.join(":")}`;
  return role === "facilitator" ? label + " · " + t("toutes les salles") : label;
}

function time(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return String(iso);
  return clockSeconds(moment);
}

export class LogPanel {
  /** `root` holds <tbody data-log-rows> and the empty-log note [data-log-empty]; `roomName(id)` names rooms. */
  constructor(root, roomName) {
    this.body = root.querySelector("[data-log-rows]");
    this.empty = root.querySelector("[data-log-empty]");
    this.roomName = roomName;
  }

  /** Show the entries of `get_moderation_log`'s acknowledgement (newest first). */
  render(entries) {
    this.body.replaceChildren(
      ...entries.map((entry) =>
        el(
          "tr",
          { "data-log-id": entry.id },
          el("td", {}, el("time", { datetime: entry.at }, time(entry.at))),
          el("td", {}, actorLabel(entry.actor)),
          el("td", { "data-action": entry.action }, ACTION_LABELS[entry.action] || entry.action),
          el("td", {}, entry.room_id === null ? "—" : this.roomName(entry.room_id)),
        ),
      ),
    );
    this.empty.hidden = entries.length > 0;
  }
}
