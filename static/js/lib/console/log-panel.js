// The organiser's moderation log: who did what, when, in which room; newest first.
import { el } from "../shared/dom.js";
import { clockSeconds, t, tn } from "../shared/i18n.js";

/** Labels of the logged actions, in the page's language; an action not listed here is shown as "Action". */
export const ACTION_LABELS = {
  set_phase: t("Phase"),
  set_room_phase: t("Phase de la salle"),
  add_phase: t("Phase ajoutée"),
  edit_phase: t("Phase modifiée"),
  delete_phase: t("Phase supprimée"),
  move_phase: t("Phase déplacée"),
  set_open_boards: t("Tableaux ouverts en avance"),
  set_screen_follows_votes: t("L'écran suit les votes"),
  rename_room: t("Salle renommée"),
  room_added: t("Salle ajoutée"),
  start_timer: t("Minuteur lancé"),
  add_time: t("Temps ajouté"),
  stop_timer: t("Minuteur arrêté"),
  save_hypothesis: t("Hypothèse enregistrée"),
  delete_hypothesis: t("Hypothèse supprimée"),
  move_hypothesis: t("Hypothèse déplacée"),
  open_hypothesis: t("Vote ouvert"),
  close_hypothesis: t("Vote clos"),
  conclude_hypothesis: t("Conclusion enregistrée"),
  card_hidden: t("Carte masquée"),
  card_restored: t("Carte rétablie"),
  card_edited: t("Carte modifiée"),
  card_deleted: t("Carte supprimée"),
  cards_merged: t("Cartes fusionnées"),
  merge_undone: t("Fusion annulée"),
  card_pinned: t("Carte épinglée"),
  card_unpinned: t("Carte désépinglée"),
  card_approved: t("Carte approuvée"),
  cards_revealed: t("Cartes dévoilées"),
  card_modes_set: t("Mode des cartes changé"),
  room_locked: t("Salle verrouillée"),
  room_unlocked: t("Salle déverrouillée"),
  activity_open: t("Activité ouverte"),
  activity_paused: t("Activité en pause"),
  activity_closed: t("Activité fermée"),
  open_vote: t("Vote par gommettes ouvert"),
  close_vote: t("Vote par gommettes clos"),
  save_synthesis: t("Synthèse enregistrée"),
  publish_synthesis: t("Synthèse publiée"),
  add_grid_point: t("Point de la grille ajouté"),
  edit_grid_point: t("Point de la grille modifié"),
  merge_grid_points: t("Points de la grille fusionnés"),
  move_grid_point: t("Point de la grille déplacé"),
  delete_grid_point: t("Point de la grille supprimé"),
  publish_grid: t("Grille de lecture publiée"),
  withdraw_grid: t("Grille de lecture retirée"),
  assign_role: t("Rôle attribué"),
  set_room_situation: t("Situation de la salle changée"),
  save_situation: t("Situation enregistrée"),
  delete_situation: t("Situation supprimée"),
  edit_event: t("Séminaire modifié"),
  edit_scales: t("Échelles modifiées"),
  add_board: t("Tableau ajouté"),
  edit_board: t("Tableau modifié"),
  delete_board: t("Tableau supprimé"),
  close_event: t("Séminaire clos"),
  reopen_event: t("Séminaire rouvert"),
  link_created: t("Lien créé"),
  link_revoked: t("Lien révoqué"),
  link_regenerated: t("Lien régénéré"),
};

const LINK_ROLES = { organiser: t("organisation"), facilitator: t("animation"), screen: t("écran") };
const SHORT = 60;

/** Return a text cut to a line, with an ellipsis when cut. */
function short(text) {
  const line = String(text ?? "").replace(/\s+/g, " ").trim();
  return line.length > SHORT ? `${line.slice(0, SHORT - 1).trimEnd()}…` : line;
}

/** Return what an entry's details say in a few words ("Quatre grandes questions"), or "". */
function detail(entry) {
  const d = entry.details || {};
  switch (entry.action) {
    case "set_room_phase":
      return d.phase_id === null ? t("suit le séminaire") : short(d.title);
    case "set_open_boards":
      return (d.titles || []).length ? (d.titles || []).map(short).join(", ") : t("aucun");
    case "set_screen_follows_votes":
      return d.follows ? t("oui") : t("non");
    case "start_timer":
    case "add_time":
      return typeof d.seconds === "number" ? tn("{n} minute", "{n} minutes", Math.max(1, Math.round(d.seconds / 60))) : "";
    case "cards_merged":
      return Array.isArray(d.merged_ids) ? tn("{n} carte fusionnée", "{n} cartes fusionnées", d.merged_ids.length) : "";
    case "cards_revealed":
      return typeof d.count === "number" ? tn("{n} carte", "{n} cartes", d.count) : "";
    case "publish_grid":
      return typeof d.points === "number" ? tn("{n} point", "{n} points", d.points) : "";
    case "rename_room":
    case "room_added":
      return short(d.name);
    case "card_edited":
      return short(d.after);
    case "card_deleted":
      return short(d.text);
    case "link_created":
    case "link_revoked":
    case "link_regenerated":
      return LINK_ROLES[d.role] || "";
    default:
      return short(d.title || d.text || "");
  }
}

/** Return an entry as people read it: "Phase : Quatre grandes questions", "Cartes fusionnées"… */
export function describeAction(entry) {
  const label = ACTION_LABELS[entry.action] || t("Action");
  const more = detail(entry);
  return more ? t("{action} : {detail}", { action: label, detail: more }) : label;
}

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
          el("td", { "data-action": entry.action }, describeAction(entry)),
          el("td", {}, entry.room_id === null ? "—" : this.roomName(entry.room_id)),
        ),
      ),
    );
    this.empty.hidden = entries.length > 0;
  }
}
