// The organiser's moderation log: who did what, when, in which room; newest first.
import { el } from "./dom.js";

/** French labels of the logged actions; an action not listed here is shown as it is named. */
export const ACTION_LABELS = {
  card_hidden: "Carte masquée",
  card_restored: "Carte rétablie",
  card_edited: "Carte modifiée",
  card_deleted: "Carte supprimée",
  card_merged: "Cartes fusionnées",
  card_unmerged: "Fusion annulée",
  card_pinned: "Carte épinglée",
  card_unpinned: "Carte désépinglée",
  card_approved: "Carte approuvée",
  card_rejected: "Carte refusée",
  cards_revealed: "Cartes dévoilées",
  room_locked: "Salle verrouillée",
  room_unlocked: "Salle déverrouillée",
  activity_opened: "Activité ouverte",
  activity_paused: "Activité en pause",
  activity_closed: "Activité fermée",
  timer_started: "Minuteur lancé",
  timer_stopped: "Minuteur arrêté",
  synthesis_published: "Synthèse publiée",
  link_created: "Lien créé",
  link_revoked: "Lien révoqué",
  link_regenerated: "Lien régénéré",
};

const ROLE_LABELS = { organiser: "Organisation", facilitator: "Animation", screen: "Écran", participant: "Participant" };

/** Return who acted, in French: "Animation · Salle 1", "Organisation"… */
export function actorLabel(actor) {
  const [role, ...rest] = String(actor).split(":");
  const label = ROLE_LABELS[role] || role;
  if (rest.length) return `${label} · ${rest.join(":")}`;
  return role === "facilitator" ? `${label} · toutes les salles` : label;
}

function time(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return String(iso);
  return moment.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
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
