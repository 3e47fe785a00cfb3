// A facilitator's console: each room's cards live, hidden ones included, to hide or restore.
import { BoardView } from "./lib/board.js";
import { readBoot, scaleLabels } from "./lib/dom.js";
import { goLive } from "./lib/live.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";

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
for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const view = new BoardView(node, { staff: true, scaleLabel });
  const onChange = (store) => {
    view.render(store.cards.values());
    const cards = [...store.cards.values()];
    const hidden = cards.filter((card) => card.hidden).length;
    node.querySelector("[data-visible-count]").textContent = String(cards.length - hidden);
    node.querySelector("[data-hidden-count]").textContent = String(hidden);
  };
  stores.set(roomId, new RoomStore(roomId, { staff: true, onChange }));
  roomNodes.set(roomId, node);
}

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
  on: { presence_changed: showPresence },
});

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
