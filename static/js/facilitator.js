// A facilitator's console: each room's cards live, hidden and held ones included, to moderate;
// the room's controls (lock, activity, card modes, reveal) and its waiting queue.
import { actionRunner } from "./lib/actions.js";
import { BoardView } from "./lib/board.js";
import { readBoot, scaleLabels } from "./lib/dom.js";
import { goLive } from "./lib/live.js";
import { RoomModeration } from "./lib/moderation.js";
import { RoomControls } from "./lib/room-controls.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";

const boot = readBoot();
const scaleLabel = scaleLabels(boot.event);
const status = document.querySelector("[data-status]");
const alertBox = document.querySelector("[data-console-message]");

function warn(text) {
  alertBox.textContent = text;
  alertBox.hidden = !text;
}

let connection = null;
const run = actionRunner((...args) => connection.call(...args), warn);

const stores = new Map();
const roomNodes = new Map();
for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const store = new RoomStore(roomId, { staff: true, onChange: draw, onState: (state) => controls.showState(state) });
  const moderation = new RoomModeration(node, store, { run, redraw: () => draw(store) });
  const controls = new RoomControls(node, store, { run });
  const view = new BoardView(node, { staff: true, scaleLabel, tools: moderation.tools, signature: moderation.signature });
  function draw() {
    const keep = moderation.keepFocus();
    view.render(store.cards.values());
    keep();
    moderation.update();
    const cards = [...store.cards.values()];
    const count = (test) => String(cards.filter(test).length);
    node.querySelector("[data-visible-count]").textContent = count((card) => !card.hidden && !card.held);
    node.querySelector("[data-hidden-count]").textContent = count((card) => card.hidden);
    node.querySelector("[data-held-count]").textContent = count((card) => card.held);
    controls.showCards(cards);
  }
  stores.set(roomId, store);
  roomNodes.set(roomId, node);
}

function showPresence({ rooms = [] }) {
  for (const { room_id: roomId, count } of rooms) {
    const node = roomNodes.get(roomId);
    if (node) node.querySelector("[data-room-count]").textContent = String(count);
  }
}

connection = goLive(boot.token, stores, {
  onState: (state) => {
    showState(status, state);
    if (state === "refused") warn("Ce lien d'animation n'est plus valable. Demandez-en un nouveau à l'organisation.");
  },
  on: { presence_changed: showPresence },
});
