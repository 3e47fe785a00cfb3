// A facilitator's console: each room's cards live, hidden ones included, to hide or restore;
// the room's phase and countdown.
import { BoardView } from "./lib/board.js";
import { el, readBoot, scaleLabels } from "./lib/dom.js";
import { goLive } from "./lib/live.js";
import { followEvent, phaseById, roomPhase } from "./lib/phase.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";
import { TimerView } from "./lib/timer.js";

const ACTIONS = {
  hide: { event: "hide_card", failed: "La carte n'a pas pu être masquée" },
  restore: { event: "restore_card", failed: "La carte n'a pas pu être rétablie" },
};

const boot = readBoot();
const scaleLabel = scaleLabels(boot.event);
const status = document.querySelector("[data-status]");
const alertBox = document.querySelector("[data-console-message]");

const stores = new Map();
const roomNodes = new Map();
const timers = new Map();
for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const view = new BoardView(node, { staff: true, scaleLabel });
  const onChange = (store) => {
    view.render(store.cards.values());
    const cards = [...store.cards.values()];
    const hidden = cards.filter((card) => card.hidden).length;
    node.querySelector("[data-visible-count]").textContent = String(cards.length - hidden);
    node.querySelector("[data-hidden-count]").textContent = String(hidden);
    showRoomPhase(roomId);
  };
  stores.set(roomId, new RoomStore(roomId, { staff: true, onChange }));
  roomNodes.set(roomId, node);
  timers.set(roomId, new TimerView(node.querySelector("[data-timer]")));
}

/** Show a room's phase (its own, or the event's it follows) in its select, and its countdown. */
function showRoomPhase(roomId) {
  const node = roomNodes.get(roomId);
  const state = stores.get(roomId).state;
  const select = node.querySelector("[data-room-phase-select]");
  const programme = boot.event.programme || [];
  const label = (phase) => `${phase.start} · ${phase.title}`;
  const wanted = programme.map((phase) => `${phase.id} ${label(phase)}`).join("\n");
  if ([...select.options].map((option) => `${option.value} ${option.textContent}`).join("\n") !== wanted) {
    select.replaceChildren(...programme.map((phase) => el("option", { value: phase.id }, label(phase))));
  }
  const own = state && state.current_phase_id ? phaseById(programme, state.current_phase_id) : null;
  const phase = roomPhase(boot.event, state);
  select.value = phase ? String(phase.id) : "";
  if (!phase) select.selectedIndex = -1;
  node.querySelector("[data-room-follow]").disabled = !own;
  node.querySelector("[data-room-phase-note]").textContent = own
    ? "La salle a sa propre phase."
    : phase
      ? "La salle suit l'événement."
      : "La salle suit l'événement (pas encore commencé).";
  const running = Boolean(state && state.timer);
  node.querySelector('[data-timer-action="add"]').disabled = !running;
  node.querySelector('[data-timer-action="stop"]').disabled = !running;
  timers.get(roomId).set(running ? state.timer : null);
}

const live = followEvent(boot.event, () => roomNodes.forEach((_node, roomId) => showRoomPhase(roomId)));

function showPresence({ rooms = [] }) {
  for (const { room_id: roomId, count } of rooms) {
    const node = roomNodes.get(roomId);
    if (node) node.querySelector("[data-room-count]").textContent = String(count);
  }
}

function warn(text) {
  alertBox.textContent = text;
  alertBox.hidden = !text;
}

const connection = goLive(boot.token, stores, {
  onState: (state) => {
    showState(status, state);
    if (state === "refused") warn("Ce lien d'animation n'est plus valable. Demandez-en un nouveau à l'organisation.");
  },
  on: { presence_changed: showPresence, event_changed: live.take },
  onConnect: () => live.refresh(),
});
live.attach(connection);

/** Send a room-staff request and say what went wrong, if anything. */
async function request(event, payload, failed) {
  try {
    const ack = await connection.call(event, payload, 5000);
    if (!ack.ok) throw new Error(ack.error && ack.error.message);
    warn("");
    return ack;
  } catch (err) {
    const why = err.reason === "disconnected" ? "pas de connexion au serveur" : err.reason === "timeout" ? "le serveur n'a pas répondu" : err.message;
    warn(`${failed} : ${why}. Réessayez.`);
    return null;
  }
}

for (const [roomId, node] of roomNodes) {
  const select = node.querySelector("[data-room-phase-select]");
  select.addEventListener("change", () =>
    request("set_room_phase", { room_id: roomId, phase_id: Number(select.value) }, "La phase n'a pas pu être changée"),
  );
  node.querySelector("[data-room-follow]").addEventListener("click", () =>
    request("set_room_phase", { room_id: roomId, phase_id: null }, "La salle n'a pas pu suivre l'événement"),
  );
  const minutes = node.querySelector("[data-timer-minutes]");
  for (const button of node.querySelectorAll("[data-timer-action]")) {
    button.addEventListener("click", () => {
      const action = button.dataset.timerAction;
      if (action === "start") {
        const seconds = Math.round(Number(minutes.value) * 60);
        request("start_timer", { room_id: roomId, seconds }, "Le minuteur n'a pas pu être lancé");
      } else if (action === "add") {
        request("add_time", { room_id: roomId, seconds: 60 }, "Le temps n'a pas pu être ajouté");
      } else {
        request("stop_timer", { room_id: roomId }, "Le minuteur n'a pas pu être arrêté");
      }
    });
  }
}

// One listener for every Masquer / Rétablir button, present and future.
document.querySelector("main").addEventListener("click", async (click) => {
  const button = click.target.closest("button[data-action]");
  if (!button || button.disabled) return;
  const action = ACTIONS[button.dataset.action];
  if (!action) return;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const ack = await connection.call(action.event, { card_id: Number(button.dataset.cardId) }, 5000);
    if (!ack.ok) throw new Error(ack.error && ack.error.message);
    warn("");
    // The room's card_hidden / card_restored redraws the card; nothing else to do here.
  } catch (err) {
    const why = err.reason === "disconnected" ? "pas de connexion au serveur" : err.reason === "timeout" ? "le serveur n'a pas répondu" : err.message;
    warn(`${action.failed} : ${why}. Réessayez.`);
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
});
