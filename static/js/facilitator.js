// A facilitator's console: each room's cards live, hidden and held ones included, to moderate;
// the room's controls (lock, activity, card modes, reveal), its waiting queue, its phase and
// countdown, its dot vote and its synthesis.
import { clock, t } from "./lib/shared/i18n.js";
import { actionRunner, busy } from "./lib/console/actions.js";
import { boardFor, linksBackToCaseStudy, RoomBoards } from "./lib/shared/boards.js";
import { CompetenceMap, totalsLine } from "./lib/shared/competence-map.js";
import { combineDecorations, isCompetenceBoard, skillDecoration } from "./lib/shared/competences.js";
import { el, readBoot, scaleLabels } from "./lib/shared/dom.js";
import { Facets } from "./lib/shared/facets.js";
import { goLive } from "./lib/shared/live.js";
import { RoomModeration } from "./lib/console/moderation.js";
import { followEvent, phaseById, roomPhase } from "./lib/shared/phase.js";
import { GridPanel } from "./lib/console/grid-panel.js";
import { RolesPanel } from "./lib/console/roles-panel.js";
import { RoomControls } from "./lib/console/room-controls.js";
import { situationOf, SituationCards } from "./lib/shared/situation.js";
import { showState } from "./lib/shared/socket.js";
import { RoomStore } from "./lib/shared/store.js";
import { SynthesisEditor } from "./lib/shared/synthesis.js";
import { TimerView } from "./lib/shared/timer.js";
import { byVotes, pointsLabel, pressToggle, voteDecoration } from "./lib/shared/votes.js";

const boot = readBoot();
const scaleLabel = scaleLabels(boot.event);
const status = document.querySelector("[data-status]");
const alertBox = document.querySelector("[data-console-message]");

function warn(text) {
  alertBox.textContent = text;
  alertBox.hidden = !text;
}

let connection = null;

// Atelier 3: the event's competence map, folded above the rooms while one of them is on the competences board.
const competenceBoard = (boot.event.boards || []).find(isCompetenceBoard);
const mapTotals = el("span", { class: "competences-panel__totals" });
const mapSection = el(
  "details",
  { class: "competences-panel", hidden: true },
  el("summary", { class: "competences-panel__title" }, t("Carte des compétences de l'événement"), mapTotals),
  el("div", { id: "console-map" }),
);
alertBox.after(mapSection);
const competenceMap = new CompetenceMap(mapSection.lastElementChild, {
  call: (...args) => connection.call(...args),
  event: boot.event,
  onRender: (map) => (mapTotals.textContent = ` · ${totalsLine(map.totals)}`),
});

/** Show the map while a room of this console is on the competences board. */
function showCompetenceMap() {
  const shown = Boolean(competenceBoard) && [...boardViews.values()].some((view) => view.shown === competenceBoard.key);
  mapSection.hidden = !shown;
  competenceMap.show(shown);
}

const run = actionRunner((...args) => connection.call(...args), warn);

const stores = new Map();
const roomNodes = new Map();
const timers = new Map();
const editors = new Map();
const boardViews = new Map();
const caseStudies = new Map(); // room id → showCaseStudy()
const atelierLinks = new Map(); // room id → its SituationCards
for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const store = new RoomStore(roomId, { staff: true, onChange: draw, onState: (state) => controls.showState(state) });
  const moderation = new RoomModeration(node, store, { run, redraw: () => draw(store) });
  const controls = new RoomControls(node, store, { run });
  const roles = new RolesPanel(node.querySelector("[data-roles-panel]"), store, { event: boot.event, run });
  const atelier1 = new SituationCards(node.querySelector("[data-atelier1]"), {
    call: (...args) => connection.call(...args),
    event: boot.event,
    eager: true,
  });
  atelierLinks.set(roomId, atelier1);
  const facetsNode = node.querySelector("[data-facets]");
  const facets = new Facets(facetsNode, { id: `room-${roomId}-facets`, onChange: () => draw() });
  const votes = voteDecoration(() => store);
  // A card's dots, and the button that puts it in the synthesis (or says it is there).
  const decorate = (card, pending) => {
    const dots = votes(card, pending);
    const editor = editors.get(roomId);
    // Only the cards of the board whose synthesis is on show go into it.
    const takes = Boolean(editor && editor.takes(card));
    const chosen = takes && editor.has(card.id);
    return {
      key: [dots && dots.key, takes, chosen],
      render(article) {
        if (dots) dots.render(article);
        if (pending || card.hidden || card.held || !takes) return;
        const textId = article.querySelector(".card__text").id;
        article.append(
          chosen
            ? el("p", { class: "card__chosen" }, t("Dans la synthèse"))
            : el(
                "button",
                { type: "button", class: "button button--small button--quiet card__action", "data-synthesis-add": card.id, "aria-describedby": textId },
                t("Ajouter à la synthèse"),
              ),
        );
      },
    };
  };
  const view = new RoomBoards(node, {
    staff: true,
    scaleLabel,
    tools: moderation.tools,
    signature: moderation.signature,
    decorate: combineDecorations(skillDecoration(boot.event), decorate),
  });
  view.facets = facets;
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
    showRoomPhase(roomId);
    showVote(node, store);
    editors.get(roomId)?.render();
  }
  // The room's situation, roles, filter bar and link to atelier 1: after its cards, and when the event changes.
  function showCaseStudy() {
    const situation = situationOf(boot.event, roomId);
    const title = node.querySelector("[data-room-situation]");
    if (title.textContent !== (situation ? situation.title : "")) title.textContent = situation ? situation.title : "";
    title.hidden = !situation;
    node.querySelector("[data-situation-details]").hidden = !situation;
    roles.render();
    atelier1.show(situation ? situation.id : null, linksBackToCaseStudy(roomPhase(boot.event, store.state)));
    facetsNode.hidden = view.kind !== "case_study";
    facets.setChoices({ roles: (situation && situation.protagonists) || [], scales: boot.event.scales || [] });
  }
  caseStudies.set(roomId, showCaseStudy);
  stores.set(roomId, store);
  roomNodes.set(roomId, node);
  boardViews.set(roomId, view);
  timers.set(roomId, new TimerView(node.querySelector("[data-timer]")));
  pressToggle(node.querySelector("[data-sort-votes]"), (pressed) => {
    view.sortBy = pressed ? byVotes : null;
    draw();
  });
  const editorNode = node.querySelector("[data-synthesis-editor]");
  if (editorNode && (boot.event.boards || []).length) {
    editors.set(
      roomId,
      new SynthesisEditor(editorNode, {
        roomId,
        cards: () => store.cards,
        call: (...args) => connection.call(...args),
        boards: boot.event.boards,
        onItems: () => draw(),
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
    ? t("Vote ouvert : {dots} par participant, {placed} placés.", { dots: pointsLabel(store.vote.dots), placed: pointsLabel(placed) })
    : placed
      ? t("Vote clos : {placed} placés.", { placed: pointsLabel(placed) })
      : t("Aucun vote en cours.");
  panel.querySelector("[data-vote-status]").textContent = text;
  panel.querySelector("[data-vote-open]").disabled = store.seq === null;
  panel.querySelector("[data-vote-close]").disabled = !store.vote;
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

/** Show a room's phase (its own, or the event's it follows) in its select, and its countdown. */
function showRoomPhase(roomId) {
  const node = roomNodes.get(roomId);
  const state = stores.get(roomId).state;
  const select = node.querySelector("[data-room-phase-select]");
  const programme = boot.event.programme || [];
  // Before the day starts the room follows no phase: the closed list says so instead of showing
  // nothing (a select with no selected option draws blank). That first option is never offered.
  const options = [["", t("Pas encore commencé")], ...programme.map((phase) => [String(phase.id), `${clock(phase.start)} · ${phase.title}`])];
  const wanted = options.map(([value, text]) => `${value} ${text}`).join("\n");
  if ([...select.options].map((option) => `${option.value} ${option.textContent}`).join("\n") !== wanted) {
    select.replaceChildren(...options.map(([value, text]) => el("option", { value, disabled: !value, hidden: !value }, text)));
  }
  const own = state && state.current_phase_id ? phaseById(programme, state.current_phase_id) : null;
  const phase = roomPhase(boot.event, state);
  const board = boardFor(boot.event, phase);
  boardViews.get(roomId).follow(boot.event.boards);
  boardViews.get(roomId).show(board && board.key);
  // The synthesis panel follows the room's atelier (a plenary leaves it on the last one; before
  // the day, the board on show).
  if (phase && phase.activity) editors.get(roomId)?.follow(phase.activity);
  else if (!phase && board) editors.get(roomId)?.follow(board.key);
  showCompetenceMap();
  caseStudies.get(roomId)();
  select.value = phase ? String(phase.id) : "";
  node.querySelector("[data-room-follow]").disabled = !own;
  node.querySelector("[data-room-phase-note]").textContent = own
    ? t("La salle a sa propre phase.")
    : phase
      ? t("La salle suit l'événement.")
      : t("La salle suit l'événement (pas encore commencé).");
  const running = Boolean(state && state.timer);
  node.querySelector('[data-timer-action="add"]').disabled = !running;
  node.querySelector('[data-timer-action="stop"]').disabled = !running;
  timers.get(roomId).set(running ? state.timer : null);
}

// A console of every room draws itself again when a room is opened; a one-room console has nothing to add.
const allRooms = roomNodes.size === (boot.event.rooms || []).length;
const live = followEvent(boot.event, () => roomNodes.forEach((_node, roomId) => showRoomPhase(roomId)), {
  onRoomAdded: () => allRooms && window.location.reload(),
});

function showPresence({ rooms = [] }) {
  for (const { room_id: roomId, count } of rooms) {
    const node = roomNodes.get(roomId);
    if (node) node.querySelector("[data-room-count]").textContent = String(count);
  }
}

// The grille de lecture, below the rooms: this console's proposals, the event's points.
const gridNode = document.querySelector("[data-grid-panel]");
const grid = gridNode ? new GridPanel(gridNode, { call: (...args) => connection.call(...args) }) : null;

connection = goLive(boot.token, stores, {
  onState: (state) => {
    showState(status, state);
    if (state === "refused") warn(t("Ce lien d'animation n'est plus valable. Demandez-en un nouveau à l'organisation."));
  },
  on: {
    presence_changed: showPresence,
    event_changed: live.take,
    competences_changed: () => competenceMap.refreshSoon(),
    grid_changed: () => grid?.refresh(),
  },
  onConnect: () => {
    live.refresh();
    loadDrafts();
    grid?.refresh();
    competenceMap.refresh();
    atelierLinks.forEach((cards) => cards.refresh());
  },
});
live.attach(connection);
roomNodes.forEach((_node, roomId) => showRoomPhase(roomId));

// The room's phase and countdown: a select, "Suivre l'événement", and the timer buttons.
for (const [roomId, node] of roomNodes) {
  const select = node.querySelector("[data-room-phase-select]");
  select.addEventListener("change", () =>
    run("set_room_phase", { room_id: roomId, phase_id: Number(select.value) }, { failed: t("La phase n'a pas pu être changée") }),
  );
  node.querySelector("[data-room-follow]").addEventListener("click", () =>
    run("set_room_phase", { room_id: roomId, phase_id: null }, { failed: t("La salle n'a pas pu suivre l'événement") }),
  );
  const minutes = node.querySelector("[data-timer-minutes]");
  for (const button of node.querySelectorAll("[data-timer-action]")) {
    button.addEventListener("click", () => {
      const action = button.dataset.timerAction;
      if (action === "start") {
        const seconds = Math.round(Number(minutes.value) * 60);
        run("start_timer", { room_id: roomId, seconds }, { failed: t("Le minuteur n'a pas pu être lancé"), invalid: t("entre 1 et 180 minutes") });
      } else if (action === "add") {
        run("add_time", { room_id: roomId, seconds: 60 }, { failed: t("Le temps n'a pas pu être ajouté") });
      } else {
        run("stop_timer", { room_id: roomId }, { failed: t("Le minuteur n'a pas pu être arrêté") });
      }
    });
  }
}

// The vote and synthesis buttons, present and future (card tools have their own listener).
document.querySelector("main").addEventListener("click", async (click) => {
  const button = click.target.closest("button");
  if (!button || button.disabled) return;
  const roomNode = button.closest(".room[data-room-id]");
  const roomId = roomNode && Number(roomNode.dataset.roomId);
  if (button.hasAttribute("data-synthesis-add")) {
    editors.get(roomId)?.add(Number(button.dataset.synthesisAdd));
  } else if (button.hasAttribute("data-vote-open")) {
    const field = roomNode.querySelector("[data-vote-dots]");
    const dots = Number(field.value);
    if (!Number.isInteger(dots) || dots < 1 || dots > 20) {
      field.setAttribute("aria-invalid", "true");
      warn(t("Choisissez de 1 à 20 points par participant."));
      field.focus();
      return;
    }
    field.removeAttribute("aria-invalid");
    await busy(button, run("open_vote", { room_id: roomId, dots }, { failed: t("Le vote n'a pas pu être ouvert") }));
  } else if (button.hasAttribute("data-vote-close")) {
    await busy(button, run("close_vote", { room_id: roomId }, { failed: t("Le vote n'a pas pu être clos") }));
  }
});
