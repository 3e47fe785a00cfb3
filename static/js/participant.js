// The participant's phone: the room's board live, and cards written here sent until they land.
import { BoardView } from "./lib/board.js";
import { readBoot, scaleLabels } from "./lib/dom.js";
import { goLive } from "./lib/live.js";
import { Outbox } from "./lib/outbox.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";
import { byVotes, dotsLeftText, pressToggle, voteDecoration } from "./lib/votes.js";

const TEXT_MAX = 500;
const MESSAGES = {
  text: "Une carte compte de 1 à 500 caractères.",
  column: "Cette colonne n'existe pas ; choisissez-en une dans la liste.",
  refused: "Le serveur a refusé cette carte",
};

const boot = readBoot();
const { event, participant } = boot;
const roomId = boot.room_id;
const boardNode = document.querySelector(`.board[data-room-id="${roomId}"]`);
const boardKey = boardNode.querySelector("[data-board]").dataset.board;
const status = document.querySelector("[data-status]");
const form = document.querySelector("[data-compose]");
const columnField = form.elements.column;
const textField = form.elements.text;
const sendButton = form.querySelector("button[type=submit]");
const message = form.querySelector("[data-compose-message]");
const counter = form.querySelector("[data-compose-count]");

const votebar = document.querySelector("[data-votebar]");
const dotsLeft = document.querySelector("[data-dots-left]");

const view = new BoardView(boardNode, {
  scaleLabel: scaleLabels(event),
  selfId: participant.id,
  decorate: voteDecoration(() => store, { phone: true }),
});
const store = new RoomStore(roomId, { onChange: draw });
const stores = new Map([[roomId, store]]);
let connection = null;

const outbox = new Outbox(`collab:outbox:${event.id}:${participant.id}`, {
  send: (payload, timeoutMs) => connection.call("post_card", payload, timeoutMs),
  onChange: draw,
  onPosted: (item, ack) => {
    // The acknowledgement is the card_posted this phone may not have received: apply it by its seq.
    store.apply("card_posted", { room_id: roomId, seq: ack.seq, card: ack.card });
    say("Carte publiée.");
  },
  onRejected: (item, error) => {
    const field = error.details && error.details.field;
    const reason = MESSAGES[field] || `${MESSAGES.refused} : ${error.message}`;
    // Give the text back so nothing typed is lost.
    if (!textField.value.trim()) {
      textField.value = item.text;
      columnField.value = item.column;
      updateCount();
    }
    say(reason, true);
  },
});

let drawing = false;

function draw() {
  if (drawing) return; // settle() below calls back here
  drawing = true;
  try {
    // A post the board already holds has landed: the board's card replaces its pending drawing.
    for (const item of outbox.pending()) if (store.hasClientId(item.client_id)) outbox.settle(item.client_id);
    const author = { id: participant.id, pseudonym: participant.pseudonym, scale: participant.scale };
    const pending = outbox.pending().filter((item) => item.board === boardKey).map((item) => ({ ...item, author }));
    view.render(store.cards.values(), pending, { ready: store.seq !== null });
    votebar.hidden = !store.vote;
    const left = dotsLeftText(store);
    if (dotsLeft.textContent !== left) dotsLeft.textContent = left;
  } finally {
    drawing = false;
  }
}

function say(text, isError = false) {
  message.textContent = text;
  message.classList.toggle("compose__message--error", isError);
}

function updateCount() {
  counter.textContent = `${textField.value.length} / ${TEXT_MAX}`;
}

form.addEventListener("submit", (submitted) => {
  submitted.preventDefault();
  const text = textField.value.trim();
  if (!text) {
    say("Écrivez d'abord votre carte.", true);
    textField.focus();
    return;
  }
  outbox.add({ board: boardKey, column: columnField.value, text });
  textField.value = "";
  updateCount();
  say(connection.connected ? "Envoi…" : "Carte gardée sur ce téléphone : elle partira au retour du réseau.");
  textField.focus();
});

textField.addEventListener("input", updateCount);
textField.addEventListener("keydown", (key) => {
  // Ctrl/Cmd + Entrée sends, as in most messaging apps on a laptop.
  if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) form.requestSubmit();
});

for (const button of boardNode.querySelectorAll("[data-write]")) {
  button.disabled = false;
  button.addEventListener("click", () => {
    columnField.value = button.dataset.write;
    textField.focus();
  });
}

// A dot placed or withdrawn: the acknowledgement carries the card's count (a numbered change) and my dots.
boardNode.addEventListener("click", async (click) => {
  const button = click.target.closest("button[data-dot]");
  if (!button || button.disabled) return;
  const name = button.dataset.dot === "place" ? "place_dot" : "withdraw_dot";
  const voteId = store.vote && store.vote.id;
  button.disabled = true;
  try {
    const ack = await connection.call(name, { card_id: Number(button.dataset.cardId) }, 5000);
    if (!ack.ok) throw new Error(ack.error && ack.error.message);
    store.apply("votes_changed", { room_id: roomId, seq: ack.seq, card_id: ack.card_id, votes: ack.votes });
    store.setMine(voteId, ack.mine);
  } catch (err) {
    const why = err.reason === "disconnected" ? "pas de connexion au serveur" : err.reason === "timeout" ? "le serveur n'a pas répondu" : err.message;
    say(`Le point n'a pas été pris en compte : ${why}.`, true);
    if (button.isConnected) button.disabled = false;
  }
});

pressToggle(document.querySelector("[data-sort-votes]"), (pressed) => {
  view.sortBy = pressed ? byVotes : null;
  draw();
});

connection = goLive(boot.token, stores, {
  onState: (state, detail) => {
    showState(status, state);
    if (state === "refused") {
      say("Cette inscription n'est plus reconnue. Rejoignez à nouveau l'événement avec son code.", true);
    }
  },
  onConnect: () => outbox.flush(),
});

sendButton.disabled = false;
updateCount();
draw();
