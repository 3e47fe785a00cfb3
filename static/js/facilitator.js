// A facilitator's console: each room's cards live, hidden ones included, to hide or restore;
// its dot vote (open, close, counts, sort) and its synthesis (cards in order, a text per question).
import { BoardView } from "./lib/board.js";
import { el, readBoot, scaleLabels } from "./lib/dom.js";
import { goLive } from "./lib/live.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";
import { SynthesisEditor } from "./lib/synthesis.js";
import { byVotes, pointsLabel, pressToggle, voteDecoration } from "./lib/votes.js";

const ACTIONS = {
  hide: { event: "hide_card", failed: "La carte n'a pas pu être masquée" },
  restore: { event: "restore_card", failed: "La carte n'a pas pu être rétablie" },
};

const boot = readBoot();
const scaleLabel = scaleLabels(boot.event);
const board = (boot.event.boards || []).find((b) => b.key === "four_questions") || (boot.event.boards || [])[0];
const status = document.querySelector("[data-status]");
const alertBox = document.querySelector("[data-console-message]");

const stores = new Map();
const roomNodes = new Map();
const editors = new Map();
let connection = null;

for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const votes = voteDecoration(() => stores.get(roomId));
  // A card's dots, and the button that puts it in the synthesis (or says it is there).
  const decorate = (card, pending) => {
    const dots = votes(card, pending);
    const editor = editors.get(roomId);
    const chosen = Boolean(editor && editor.has(card.id));
    return {
      key: [dots && dots.key, chosen],
      render(article) {
        if (dots) dots.render(article);
        if (pending || card.hidden || !editor) return;
        const textId = article.querySelector(".card__text").id;
        article.append(
          chosen
            ? el("p", { class: "card__chosen" }, "Dans la synthèse")
            : el(
                "button",
                { type: "button", class: "button button--small button--quiet card__action", "data-synthesis-add": card.id, "aria-describedby": textId },
                "Ajouter à la synthèse",
              ),
        );
      },
    };
  };
  const view = new BoardView(node, { staff: true, scaleLabel, decorate });
  const draw = (store) => {
    view.render(store.cards.values());
    const cards = [...store.cards.values()];
    const hidden = cards.filter((card) => card.hidden).length;
    node.querySelector("[data-visible-count]").textContent = String(cards.length - hidden);
    node.querySelector("[data-hidden-count]").textContent = String(hidden);
    showVote(node, store);
    editors.get(roomId)?.render();
  };
  stores.set(roomId, new RoomStore(roomId, { staff: true, onChange: draw }));
  roomNodes.set(roomId, node);
  pressToggle(node.querySelector("[data-sort-votes]"), (pressed) => {
    view.sortBy = pressed ? byVotes : null;
    draw(stores.get(roomId));
  });
  const editorNode = node.querySelector("[data-synthesis-editor]");
  if (editorNode && board) {
    editors.set(
      roomId,
      new SynthesisEditor(editorNode, {
        roomId,
        cards: () => stores.get(roomId).cards,
        call: (...args) => connection.call(...args),
        columns: board.columns,
        onItems: () => view.render(stores.get(roomId).cards.values()),
      }),
    );
  }
}

/** Show a room's vote: open or not, how many dots, how many placed; enable the right buttons. */
function showVote(node, store) {
  const panel = node.querySelector("[data-vote-panel]");
  if (!panel) return;
  const placed = [...store.cards.values()].reduce((sum, card) => sum + (card.votes || 0), 0);
  const text = store.vote
    ? `Vote ouvert : ${pointsLabel(store.vote.dots)} par participant, ${pointsLabel(placed)} placés.`
    : placed
      ? `Vote clos : ${pointsLabel(placed)} placés.`
      : "Aucun vote en cours.";
  panel.querySelector("[data-vote-status]").textContent = text;
  panel.querySelector("[data-vote-open]").disabled = store.seq === null;
  panel.querySelector("[data-vote-close]").disabled = !store.vote;
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

function why(err) {
  if (err.reason === "disconnected") return "pas de connexion au serveur";
  if (err.reason === "timeout") return "le serveur n'a pas répondu";
  return err.message;
}

/** Load the drafts of this console's rooms (after each connection: another console may have saved). */
async function loadDrafts() {
  try {
    const ack = await connection.call("get_syntheses", {}, 10000);
    if (!ack.ok) return;
    for (const draft of ack.drafts) editors.get(draft.room_id)?.load(draft);
  } catch (err) {
    // The next connection tries again.
  }
}

connection = goLive(boot.token, stores, {
  onState: (state) => {
    showState(status, state);
    if (state === "refused") warn("Ce lien d'animation n'est plus valable. Demandez-en un nouveau à l'organisation.");
  },
  onConnect: loadDrafts,
  on: { presence_changed: showPresence },
});

/** Send a staff event from `button`; the broadcast change redraws the room. */
async function act(button, event, payload, failed) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const ack = await connection.call(event, payload, 5000);
    if (!ack.ok) throw new Error(ack.error && ack.error.message);
    warn("");
  } catch (err) {
    warn(`${failed} : ${why(err)}. Réessayez.`);
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
}

// One listener for every card and vote button, present and future.
document.querySelector("main").addEventListener("click", async (click) => {
  const button = click.target.closest("button");
  if (!button || button.disabled) return;
  const roomNode = button.closest(".room[data-room-id]");
  const roomId = roomNode && Number(roomNode.dataset.roomId);
  if (button.dataset.action && ACTIONS[button.dataset.action]) {
    const action = ACTIONS[button.dataset.action];
    await act(button, action.event, { card_id: Number(button.dataset.cardId) }, action.failed);
  } else if (button.hasAttribute("data-synthesis-add")) {
    editors.get(roomId)?.add(Number(button.dataset.synthesisAdd));
  } else if (button.hasAttribute("data-vote-open")) {
    const field = roomNode.querySelector("[data-vote-dots]");
    const dots = Number(field.value);
    if (!Number.isInteger(dots) || dots < 1 || dots > 20) {
      field.setAttribute("aria-invalid", "true");
      warn("Choisissez de 1 à 20 points par participant.");
      field.focus();
      return;
    }
    field.removeAttribute("aria-invalid");
    await act(button, "open_vote", { room_id: roomId, dots }, "Le vote n'a pas pu être ouvert");
  } else if (button.hasAttribute("data-vote-close")) {
    await act(button, "close_vote", { room_id: roomId }, "Le vote n'a pas pu être clos");
  }
});
