// The plenary screen: every room's board live, the programme's now and next, who is connected.
import { boardByKey, boardFor, linksBackToCaseStudy, RoomBoards } from "./lib/boards.js";
import { CompetenceMap } from "./lib/competence-map.js";
import { combineDecorations, isCompetenceBoard, skillDecoration } from "./lib/competences.js";
import { el, plural, readBoot, scaleLabels } from "./lib/dom.js";
import { Facets, rolesOf } from "./lib/facets.js";
import { goLive } from "./lib/live.js";
import { followEvent, phaseAfter, phaseById, roomPhase } from "./lib/phase.js";
import { currentAndNext, frenchRange, KIND_LABELS } from "./lib/programme.js";
import { showState } from "./lib/socket.js";
import { RoomStore } from "./lib/store.js";
import { situationOf, SituationCards } from "./lib/situation.js";
import { renderPublished } from "./lib/synthesis.js";
import { byVotes, pressToggle, voteDecoration } from "./lib/votes.js";
import { TimerView } from "./lib/timer.js";

const PROGRAMME_REFRESH_MS = 30000;

const boot = readBoot();
const { event } = boot;
const scaleLabel = scaleLabels(event);
const status = document.querySelector("[data-status]");

// The syntheses are written per question of the four-question grid.
const board = (event.boards || []).find((b) => b.key === "four_questions") || (event.boards || [])[0];

const stores = new Map();
const roomNodes = new Map();
const roomTimers = new Map();
const eventTimer = new TimerView(document.querySelector("[data-event-timer]"));
const views = new Map();
const atelier1 = new Map();
// One filter bar for every room's case-study board.
const facetsNode = document.querySelector("[data-facets]");
const facets = new Facets(facetsNode, {
  id: "facets",
  onChange: () => stores.forEach((store) => store.onChange(store)),
});
for (const node of document.querySelectorAll(".room[data-room-id]")) {
  const roomId = Number(node.dataset.roomId);
  const view = new RoomBoards(node, { scaleLabel, decorate: combineDecorations(skillDecoration(event), voteDecoration(() => stores.get(roomId))) });
  view.facets = facets;
  atelier1.set(roomId, new SituationCards(node.querySelector("[data-atelier1]"), { call: (...args) => connection.call(...args), event, eager: true }));
  const onChange = (store) => {
    // Held cards travel without their words: the screen counts them instead of drawing them.
    const cards = [...store.cards.values()];
    view.render(cards.filter((card) => !card.held));
    showHeld(node, cards.filter((card) => card.held === "reveal").length);
    showRoomClock(roomId);
    fitCards(node);
  };
  stores.set(roomId, new RoomStore(roomId, { onChange, onState: (state) => showRoomState(node, state) }));
  roomNodes.set(roomId, node);
  views.set(roomId, view);
  roomTimers.set(roomId, new TimerView(node.querySelector("[data-room-timer]")));
}

/** Show a room's own countdown, its own phase when it is not the event's, and the board of its phase. */
function showRoomClock(roomId) {
  const state = stores.get(roomId).state;
  const shown = boardFor(event, roomPhase(event, state));
  if (views.get(roomId).show(shown && shown.key)) fitCards(roomNodes.get(roomId));
  showSituation(roomId);
  roomTimers.get(roomId).set(state ? state.timer : null);
  const own = state && state.current_phase_id ? phaseById(event.programme, state.current_phase_id) : null;
  const label = roomNodes.get(roomId).querySelector("[data-room-phase]");
  label.hidden = !own || own.id === event.current_phase_id;
  label.textContent = own ? own.title : "";
}

/** Show a room's situation in its header, with the link to atelier 1 during the four questions. */
function showSituation(roomId) {
  const node = roomNodes.get(roomId);
  const situation = situationOf(event, roomId);
  const title = node.querySelector("[data-room-situation]");
  if (title.textContent !== (situation ? situation.title : "")) title.textContent = situation ? situation.title : "";
  title.hidden = !situation;
  const phase = roomPhase(event, stores.get(roomId).state);
  atelier1.get(roomId).show(situation ? situation.id : null, linksBackToCaseStudy(phase));
  // The bar shows while a room works on its case study; it offers every room's protagonists.
  const caseStudy = [...views.values()].some((view) => view.kind === "case_study");
  facetsNode.hidden = !caseStudy;
  const situations = (event.rooms || []).map((room) => room.situation).filter(Boolean);
  facets.setChoices({ roles: rolesOf(situations), scales: event.scales || [] });
}

function showHeld(room, count) {
  const line = room.querySelector("[data-held-count]");
  line.textContent = `${count} ${plural(count, "carte en attente de révélation", "cartes en attente de révélation")}`;
  line.hidden = count === 0;
}

const ROOM_FLAGS = { locked: "Salle verrouillée", paused: "En pause", closed: "Activité close" };

function showRoomState(room, state) {
  const why = !state ? null : state.locked ? "locked" : state.activity_state !== "open" ? state.activity_state : null;
  const flag = room.querySelector("[data-room-flag]");
  flag.hidden = !why;
  flag.dataset.flag = why || "";
  room.querySelector("[data-room-flag-text]").textContent = why ? ROOM_FLAGS[why] || "" : "";
}

pressToggle(document.querySelector("[data-sort-votes]"), (pressed) => {
  for (const [roomId, view] of views) {
    view.sortBy = pressed ? byVotes : null;
    const store = stores.get(roomId);
    store.onChange(store);
  }
});

// The published syntheses, room by room, shown instead of the boards when "Synthèses" is pressed.
const syntheses = new Map();
const synthesesNode = document.querySelector("[data-syntheses]");
const roomsNode = document.querySelector(".screen__rooms");

function showSyntheses() {
  const list = synthesesNode.querySelector("[data-syntheses-list]");
  const order = [...roomNodes.keys()];
  const published = [...syntheses.values()].sort((a, b) => order.indexOf(a.room_id) - order.indexOf(b.room_id));
  list.replaceChildren(...published.map((synthesis) => renderPublished(synthesis, board ? board.columns : [], scaleLabel)));
  synthesesNode.querySelector("[data-syntheses-empty]").hidden = published.length > 0;
}

pressToggle(document.querySelector("[data-show-syntheses]"), (pressed) => showOnScreen(pressed ? "syntheses" : "rooms"));

// Réciprocité: the event's competence map instead of the boards, pressed by hand or during atelier 3.
const competencesNode = document.querySelector("[data-competences]");
const competenceMap = new CompetenceMap(competencesNode.querySelector("[data-competence-map]"), {
  call: (...args) => connection.call(...args),
  event,
  gapsShown: 6,
  topShown: 5,
});
const toggles = { syntheses: document.querySelector("[data-show-syntheses]"), competences: document.querySelector("[data-show-competences]") };
pressToggle(toggles.competences, (pressed) => showOnScreen(pressed ? "competences" : "rooms"));

/** Show the rooms' boards, the published syntheses or the competence map: one at a time. */
function showOnScreen(what) {
  roomsNode.hidden = what !== "rooms";
  synthesesNode.hidden = what !== "syntheses";
  competencesNode.hidden = what !== "competences";
  competenceMap.show(what === "competences");
  for (const [name, button] of Object.entries(toggles)) button.setAttribute("aria-pressed", String(what === name));
  if (what === "rooms") roomNodes.forEach(fitCards);
}

let followedPhase = "none"; // the event's phase the screen last followed
/** When the event moves to atelier 3 (a phase on the competences board), show the map; when it leaves, the boards. */
function followCompetencePhase() {
  const phase = phaseById(event.programme, event.current_phase_id);
  if ((phase ? phase.id : null) === followedPhase) return;
  followedPhase = phase ? phase.id : null;
  if (phase && isCompetenceBoard(boardByKey(event, phase.activity))) showOnScreen("competences");
  else if (!competencesNode.hidden) showOnScreen("rooms");
}

/** Hide the cards a column cannot show whole, and say how many older ones there are. */
function fitCards(room) {
  for (const list of room.querySelectorAll(".columns:not([hidden]) [data-cards]")) {
    const column = list.closest("[data-column]");
    let more = column.querySelector("[data-more]");
    if (!more) {
      more = el("p", { class: "column__more", "data-more": "" });
      column.append(more);
    }
    const limit = list.clientHeight;
    let clipped = 0;
    [...list.children].forEach((item, index) => {
      // The newest card always shows, faded out at the bottom if it is too long for the space.
      const cut = index > 0 && (clipped > 0 || item.offsetTop + item.offsetHeight > limit);
      item.classList.toggle("cards__item--clipped", cut);
      if (cut) clipped += 1;
    });
    const first = list.firstElementChild;
    list.classList.toggle("cards--cut", Boolean(first && first.offsetTop + first.offsetHeight > limit));
    more.textContent = clipped ? `+ ${clipped} ${plural(clipped, "autre carte", "autres cartes")}` : "";
    more.hidden = clipped === 0;
  }
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => roomNodes.forEach(fitCards), 150);
});

function showPresence({ rooms = [], total = 0 }) {
  document.querySelector("[data-presence-total]").textContent = String(total);
  document.querySelector("[data-presence-label]").textContent = plural(total, "participant connecté", "participants connectés");
  for (const { room_id: roomId, count } of rooms) {
    const node = roomNodes.get(roomId);
    if (!node) continue;
    node.querySelector("[data-room-count]").textContent = String(count);
    node.querySelector("[data-room-count-label]").textContent = plural(count, "connecté", "connectés");
  }
}

/** Now and next: the phase the organiser moved the day to, or the clock's guess before that. */
function showProgramme() {
  const programme = event.programme || [];
  const set = phaseById(programme, event.current_phase_id);
  const { current, next } = set ? { current: set, next: phaseAfter(programme, set) } : currentAndNext(programme);
  const describe = (phase, empty) => {
    if (!phase) return { title: empty, time: "" };
    const kind = KIND_LABELS[phase.kind] || phase.kind;
    return { title: phase.title, time: kind === phase.title ? frenchRange(phase) : `${frenchRange(phase)} · ${kind}` };
  };
  const started = programme.length > 0 && next !== programme[0];
  const idle = !next ? "La journée est terminée" : started ? "Transition" : "La journée va commencer";
  const now = describe(current, idle);
  const then = describe(next, "—");
  document.querySelector("[data-now-title]").textContent = now.title;
  document.querySelector("[data-now-time]").textContent = now.time;
  document.querySelector("[data-next-title]").textContent = then.title;
  document.querySelector("[data-next-time]").textContent = then.time;
}

showProgramme();
setInterval(showProgramme, PROGRAMME_REFRESH_MS);
roomNodes.forEach((_node, roomId) => showRoomClock(roomId));

// A room opened during the day: the screen draws every room, so it draws itself again.
const live = followEvent(
  event,
  () => {
    showProgramme();
    eventTimer.set(event.timer);
    roomNodes.forEach((_node, roomId) => showRoomClock(roomId));
    followCompetencePhase();
  },
  { onRoomAdded: () => window.location.reload() },
);

const connection = goLive(boot.token, stores, {
  onState: (state) => showState(status, state),
  onConnect: async () => {
    live.refresh();
    competenceMap.refresh();
    atelier1.forEach((cards) => cards.refresh());
    // A screen that connects late (or again) asks for what was published meanwhile.
    try {
      const ack = await connection.call("get_syntheses", {}, 10000);
      if (!ack.ok) return;
      for (const synthesis of ack.syntheses) syntheses.set(synthesis.room_id, synthesis);
      showSyntheses();
    } catch (err) {
      // The next connection asks again.
    }
  },
  on: {
    presence_changed: showPresence,
    event_changed: live.take,
    competences_changed: () => competenceMap.refreshSoon(),
    synthesis_published: ({ room_id: roomId, synthesis }) => {
      syntheses.set(roomId, synthesis);
      showSyntheses();
    },
  },
});
live.attach(connection);
eventTimer.set(event.timer);
followCompetencePhase();
