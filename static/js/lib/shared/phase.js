// The event's live state (programme, current phase, timer, room names) and what a phase asks for.
import { showClosed } from "./closed.js";
import { clock, t } from "./i18n.js";
import { KIND_LABELS } from "./programme.js";
import { learnServerTime } from "./timer.js";

/** Phases during which participants work on a board; every other kind shows a waiting screen. */
export const BOARD_KINDS = new Set(["atelier"]);

/** Return the phase with this id, or null. */
export function phaseById(programme, id) {
  return (programme || []).find((phase) => phase.id === id) || null;
}

/** Return the phase a room is on: its own when its facilitator set one, the event's otherwise. */
export function roomPhase(event, roomState) {
  const own = roomState && roomState.current_phase_id;
  return phaseById(event.programme, own || event.current_phase_id);
}

/** Return the phase after `phase` in the programme's order, or null. */
export function phaseAfter(programme, phase) {
  if (!phase) return null;
  const index = (programme || []).findIndex((p) => p.id === phase.id);
  return index >= 0 ? programme[index + 1] || null : null;
}

/** Tell whether a phase shows the board (no phase set yet: the board too). */
export function showsBoard(phase) {
  return !phase || BOARD_KINDS.has(phase.kind);
}

/** Return the French label of a phase's kind. */
export function kindLabel(phase) {
  return (phase && KIND_LABELS[phase.kind]) || (phase ? phase.kind : "");
}

/** Return "À 11h30 : Pause café" for the phase that comes next, or "" at the end of the day. */
export function nextLine(next) {
  return next ? t("À {time} : {title}", { time: clock(next.start), title: next.title }) : "";
}

/**
 * Keep `event` (the page's boot event) up to date over `connection`: ask with `get_event`
 * after every (re)connect, and take every `event_changed`. `onEvent(event)` after each update.
 * Returns `{refresh, take}`: `refresh()` to ask again, `take(payload)` for `event_changed`.
 */
export function followEvent(event, onEvent, { onRoomAdded = null } = {}) {
  let connection = null;
  const take = (state, sentAt = null) => {
    if (!state || !Array.isArray(state.programme)) return;
    if (state.now) learnServerTime(state.now, sentAt);
    // A room opened since the page was drawn: a page that shows every room must be drawn again.
    const known = new Set((event.rooms || []).map((room) => room.id));
    const added = (state.rooms || []).filter((room) => !known.has(room.id));
    if (added.length && onRoomAdded) onRoomAdded(added);
    event.programme = state.programme;
    event.current_phase_id = state.current_phase_id;
    event.timer = state.timer;
    if (typeof state.closed === "boolean") {
      event.closed = state.closed;
      showClosed(state.closed);
    }
    // Boards, scales and situations travel too (organiser edits), and the event's own details.
    for (const key of ["boards", "scales", "situations", "open_boards"]) if (Array.isArray(state[key])) event[key] = state[key];
    for (const key of ["screen_follows_votes", "grid_published"]) if (typeof state[key] === "boolean") event[key] = state[key];
    for (const key of ["starts_on", "place", "welcome", "contact", "retention_days", "erase_policy"]) {
      if (key in state) event[key] = state[key];
    }
    if (typeof state.title === "string" && state.title) {
      event.title = state.title;
      for (const node of document.querySelectorAll("[data-event-title]")) {
        if (node.textContent !== state.title) node.textContent = state.title;
      }
    }
    const sent = new Map((state.rooms || []).map((room) => [room.id, room]));
    const names = new Map((state.rooms || []).map((room) => [room.id, room.name]));
    for (const room of event.rooms || []) {
      if (names.has(room.id)) room.name = names.get(room.id);
      if (sent.has(room.id) && "situation" in sent.get(room.id)) room.situation = sent.get(room.id).situation;
    }
    for (const node of document.querySelectorAll("[data-room-name]")) {
      const name = names.get(Number(node.dataset.roomName));
      if (name && node.textContent !== name) node.textContent = name;
    }
    onEvent(event);
  };
  const refresh = async () => {
    if (!connection || !connection.connected) return;
    const sentAt = Date.now();
    try {
      const ack = await connection.call("get_event", {}, 10000);
      if (ack && ack.ok) take(ack, sentAt);
    } catch {
      // No answer: the next (re)connect asks again.
    }
  };
  return {
    take: (payload) => take(payload),
    refresh,
    attach(conn) {
      connection = conn;
    },
  };
}
