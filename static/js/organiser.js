// The organiser's page: the day driven phase by phase, the event's countdown, the programme
// edited (add, edit, move, delete), rooms renamed, situations edited and given to rooms
// (lib/console/situations-panel.js); the event's details, scales and boards
// (lib/console/event-editor.js); the plenary's hypotheses (lib/console/hypotheses-panel.js); the
// plenary screen's remote (lib/console/remote-panel.js); copy buttons for the links; and the
// console (rooms at a glance, secret links, moderation log: lib/console/organiser-console.js).
import { enableCopyButtons } from "./lib/console/copy-buttons.js";
import { el, readBoot } from "./lib/shared/dom.js";
import { errorText, failureText } from "./lib/shared/errors.js";
import { editRefusal, EventEditor } from "./lib/console/event-editor.js";
import { GridPanel } from "./lib/console/grid-panel.js";
import { HypothesesPanel } from "./lib/console/hypotheses-panel.js";
import { t } from "./lib/shared/i18n.js";
import { goLive } from "./lib/shared/live.js";
import { startConsole } from "./lib/console/organiser-console.js";
import { followEvent, kindLabel, phaseAfter, phaseById } from "./lib/shared/phase.js";
import { timeRange } from "./lib/shared/programme.js";
import { ScreenRemote } from "./lib/console/remote-panel.js";
import { SituationsPanel } from "./lib/console/situations-panel.js";
import { showState } from "./lib/shared/socket.js";
import { TimerView } from "./lib/shared/timer.js";

const boot = readBoot();
const { event } = boot;
const status = document.querySelector("[data-status]");
const alertBox = document.querySelector("[data-run-message]");
const table = document.querySelector("[data-programme] tbody");
const form = document.querySelector("[data-phase-form]");
const timer = new TimerView(document.querySelector(".run__timer [data-timer]"));
let editing = null; // the id of the phase in the form, null for a new one

enableCopyButtons();

function warn(text) {
  alertBox.textContent = text;
  alertBox.hidden = !text;
}

/** Send an organiser request; say what went wrong, if anything; resolve with the ack or null. */
async function request(name, payload, failed) {
  try {
    const ack = await connection.call(name, payload, 5000);
    if (!ack.ok && ack.error && ack.error.code === "closed") throw new Error(t("le séminaire est clos ; rouvrez-le pour modifier"));
    if (!ack.ok) throw new Error(editRefusal(ack.error) || errorText(ack.error));
    warn("");
    return ack;
  } catch (err) {
    warn(t("{failed} : {why}.", { failed, why: failureText(err) }));
    return null;
  }
}

/** Draw the programme table, the current phase marked, each row with its actions. */
function drawProgramme() {
  const programme = event.programme || [];
  // The phase the organiser moved the day to; never a guess from the clock.
  const current = phaseById(programme, event.current_phase_id);
  table.replaceChildren(
    ...programme.map((phase, index) => {
      const titleId = `phase-${phase.id}-title`;
      const action = (label, name) =>
        el("button", { type: "button", class: "button button--small", "data-phase-action": name, "aria-describedby": titleId }, label);
      const actions = [action(t("Aller à cette phase"), "go"), action(t("Modifier"), "edit")];
      if (index > 0) actions.push(action(t("Monter"), "up"));
      if (index < programme.length - 1) actions.push(action(t("Descendre"), "down"));
      actions.push(action(t("Supprimer"), "delete"));
      const row = el(
        "tr",
        { "data-phase-id": phase.id, class: current && current.id === phase.id ? "is-current" : null, "aria-current": current && current.id === phase.id ? "time" : null },
        el("td", { class: "programme__time" }, timeRange(phase)),
        el("td", {}, el("span", { class: `kind kind--${phase.kind}` }, kindLabel(phase))),
        el(
          "td",
          {},
          el("span", { class: "programme__title", id: titleId }, phase.title),
          phase.description ? el("span", { class: "programme__description" }, phase.description) : null,
        ),
        el("td", {}, el("div", { class: "programme__actions" }, actions)),
      );
      return row;
    }),
  );
}

/** Show where the day is, what comes next, and the event's countdown. */
function drawRun() {
  const programme = event.programme || [];
  const current = phaseById(programme, event.current_phase_id);
  const next = current ? phaseAfter(programme, current) : programme[0] || null;
  document.querySelector("[data-run-now]").textContent = current ? `${current.title} (${timeRange(current)})` : t("Pas encore commencé");
  document.querySelector("[data-run-next]").textContent = next ? `${next.title} (${timeRange(next)})` : "—";
  document.querySelector('[data-step="previous"]').disabled = !current || programme[0] === current;
  document.querySelector('[data-step="next"]').disabled = !next;
  const running = Boolean(event.timer);
  document.querySelector('.run__timer [data-timer-action="add"]').disabled = !running;
  document.querySelector('.run__timer [data-timer-action="stop"]').disabled = !running;
  timer.set(event.timer);
}

function drawRooms() {
  for (const room of event.rooms || []) {
    const field = document.getElementById(`room-name-${room.id}`);
    if (field && document.activeElement !== field) field.value = room.name;
  }
}

const situations = new SituationsPanel(document.querySelector("[data-situations-panel]"), { event, request });
const editor = new EventEditor(document.querySelector("[data-event-editor]"), {
  event,
  call: (...args) => connection.call(...args),
  take: (state) => live.take(state),
});

/** Offer the event's boards as a phase's activity (and an activity no board has any more, to keep it visible). */
function drawActivities() {
  const select = form.elements.activity;
  const boards = (event.boards || []).map((board) => [board.key, board.title]);
  const keys = new Set(boards.map(([key]) => key));
  const stray = [...new Set((event.programme || []).map((phase) => phase.activity).filter((key) => key && !keys.has(key)))];
  const options = [["", t("Aucune")], ...boards, ...stray.map((key) => [key, key])];
  const wanted = options.map(([key, title]) => `${key} ${title}`).join("\n");
  if (select.dataset.options === wanted) return;
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, title]) => el("option", { value }, title)));
  select.dataset.options = wanted;
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}

/** Offer the event's boards (as renamed, added or removed) in the screen remote's lists too. */
function drawRemoteBoards() {
  for (const [id, first] of [["remote-combined", null], ["remote-wordcloud", ["", t("Toute la journée")]]]) {
    const select = document.getElementById(id);
    const options = [...(first ? [first] : []), ...(event.boards || []).map((board) => [board.key, board.title])];
    const wanted = options.map(([key, title]) => `${key} ${title}`).join("\n");
    if ([...select.options].map((option) => `${option.value} ${option.textContent}`).join("\n") === wanted) continue;
    const chosen = select.value;
    select.replaceChildren(...options.map(([value, title]) => el("option", { value }, title)));
    if (options.some(([value]) => value === chosen)) select.value = chosen;
  }
}

// Boards opened to cards outside their phase: one checkbox per board, all sent at each change.
const openBoards = document.querySelector("[data-open-boards-list]");
function drawOpenBoards() {
  const opened = new Set(event.open_boards || []);
  const boxes = [...openBoards.querySelectorAll("input")];
  const boards = event.boards || [];
  const same = (box, n) => box.value === boards[n].key && box.parentElement.textContent.trim() === boards[n].title;
  if (boxes.length === boards.length && boxes.every(same)) {
    // The same boards: tick them as stored, keeping the focus where it is.
    for (const box of boxes) box.checked = opened.has(box.value);
    return;
  }
  openBoards.replaceChildren(
    ...(event.boards || []).map((board) =>
      el(
        "label",
        { class: "check" },
        el("input", { type: "checkbox", value: board.key, checked: opened.has(board.key) }),
        " ",
        board.title,
      ),
    ),
  );
}
openBoards.addEventListener("change", () => {
  const boards = [...openBoards.querySelectorAll("input:checked")].map((box) => box.value);
  request("set_open_boards", { boards }, t("Les tableaux n'ont pas pu être ouverts"));
});
const followsVotes = document.querySelector("[data-screen-follows-votes]");
followsVotes.addEventListener("change", () =>
  request("set_screen_follows_votes", { follows: followsVotes.checked }, t("Le choix n'a pas pu être enregistré")),
);

function draw() {
  drawProgramme();
  drawRun();
  drawOpenBoards();
  followsVotes.checked = event.screen_follows_votes !== false;
  drawRooms();
  drawActivities();
  drawRemoteBoards();
  situations.render();
  editor.render();
}

function openForm(phase) {
  editing = phase ? phase.id : null;
  form.querySelector("[data-phase-form-title]").textContent = phase ? t("Modifier « {title} »", { title: phase.title }) : t("Nouvelle phase");
  const last = (event.programme || []).at(-1);
  form.elements.start.value = phase ? phase.start : last ? last.end : "09:00";
  form.elements.end.value = phase ? phase.end : last ? last.end : "09:30";
  form.elements.kind.value = phase ? phase.kind : "pleniere";
  form.elements.title.value = phase ? phase.title : "";
  form.elements.description.value = phase ? phase.description || "" : "";
  form.elements.activity.value = phase && phase.activity ? phase.activity : "";
  showActivity();
  form.hidden = false;
  form.elements.start.focus();
}

function showActivity() {
  const atelier = form.elements.kind.value === "atelier";
  form.querySelector("[data-activity-field]").hidden = !atelier;
  if (!atelier) form.elements.activity.value = "";
}

form.elements.kind.addEventListener("change", showActivity);
form.querySelector("[data-phase-cancel]").addEventListener("click", () => {
  form.hidden = true;
});
document.querySelector("[data-add-phase]").addEventListener("click", () => openForm(null));

form.addEventListener("submit", async (submitted) => {
  submitted.preventDefault();
  const fields = form.elements;
  const payload = {
    phase_id: editing,
    start: fields.start.value.slice(0, 5),
    end: fields.end.value.slice(0, 5),
    kind: fields.kind.value,
    title: fields.title.value,
    description: fields.description.value,
    activity: fields.kind.value === "atelier" && fields.activity.value ? fields.activity.value : null,
  };
  const ack = await request("save_phase", payload, t("La phase n'a pas pu être enregistrée"));
  if (ack) form.hidden = true;
});

table.addEventListener("click", async (click) => {
  const button = click.target.closest("button[data-phase-action]");
  if (!button) return;
  const phaseId = Number(button.closest("tr").dataset.phaseId);
  const programme = event.programme || [];
  const index = programme.findIndex((phase) => phase.id === phaseId);
  const phase = programme[index];
  switch (button.dataset.phaseAction) {
    case "go":
      await request("set_phase", { phase_id: phaseId }, t("La journée n'a pas pu passer à cette phase"));
      break;
    case "edit":
      openForm(phase);
      break;
    case "up":
    case "down": {
      const position = button.dataset.phaseAction === "up" ? index - 1 : index + 1;
      await request("move_phase", { phase_id: phaseId, position }, t("La phase n'a pas pu être déplacée"));
      break;
    }
    case "delete":
      if (window.confirm(t("Supprimer la phase « {title} » ?", { title: phase.title }))) {
        await request("delete_phase", { phase_id: phaseId }, t("La phase n'a pas pu être supprimée"));
      }
      break;
  }
});

for (const button of document.querySelectorAll("[data-step]")) {
  button.addEventListener("click", () =>
    request("step_phase", { direction: button.dataset.step }, t("La journée n'a pas pu changer de phase")),
  );
}

const minutes = document.querySelector(".run__timer [data-timer-minutes]");
for (const button of document.querySelectorAll(".run__timer [data-timer-action]")) {
  button.addEventListener("click", () => {
    const action = button.dataset.timerAction;
    if (action === "start") {
      request("start_timer", { room_id: null, seconds: Math.round(Number(minutes.value) * 60) }, t("Le minuteur n'a pas pu être lancé"));
    } else if (action === "add") {
      request("add_time", { room_id: null, seconds: 60 }, t("Le temps n'a pas pu être ajouté"));
    } else {
      request("stop_timer", { room_id: null }, t("Le minuteur n'a pas pu être arrêté"));
    }
  });
}

for (const renameForm of document.querySelectorAll("[data-rename]")) {
  renameForm.addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const roomId = Number(renameForm.dataset.rename);
    request("rename_room", { room_id: roomId, name: renameForm.elements.name.value }, t("La salle n'a pas pu être renommée"));
  });
}

const addRoom = document.querySelector("[data-add-room]");
addRoom.addEventListener("submit", async (submitted) => {
  submitted.preventDefault();
  const ack = await request("add_room", { name: addRoom.elements.name.value }, t("La salle n'a pas pu être ajoutée"));
  // The page lists each room with its facilitator link: draw it again with the new one.
  if (ack) window.location.reload();
});

const remote = new ScreenRemote(document.querySelector("[data-screen-remote]"), {
  event,
  call: (...args) => connection.call(...args),
  screen: boot.screen,
});

/** Ask what the screen shows and how many syntheses it has to show (after each connection, each publication). */
async function followScreen() {
  try {
    const shown = await connection.call("get_screen", {}, 10000);
    if (shown.ok) remote.take(shown.screen);
    const published = await connection.call("get_syntheses", {}, 10000);
    if (published.ok) remote.setSyntheses(published.syntheses);
    // The organiser reads drafts too; the screen shows only those put to the vote.
    const listed = await connection.call("get_hypotheses", {}, 10000);
    if (listed.ok) remote.setHypotheses(listed.hypotheses.filter((h) => h.state !== "draft"));
  } catch {
    // The next connection asks again.
  }
}

const hypotheses = new HypothesesPanel(document.querySelector("[data-hypotheses-panel]"), {
  call: (...args) => connection.call(...args),
});
// Closing (in the Exports panel): the event becomes read-only for everyone; reopening undoes it.
const closingPanel = document.querySelector("[data-closing-panel]");
const closeButton = closingPanel.querySelector("[data-close-event]");
const reopenButton = closingPanel.querySelector("[data-reopen-event]");
const closingText = closingPanel.querySelector("[data-closing-text]");

function drawClosing() {
  closeButton.hidden = Boolean(event.closed);
  reopenButton.hidden = !event.closed;
  closingText.textContent = event.closed
    ? t("Le séminaire est clos : tout reste consultable, plus rien ne peut être modifié.")
    : t("Une fois le séminaire clos, plus personne ne peut rejoindre ni écrire ; les pages et les exports restent consultables.");
}

closeButton.addEventListener("click", () => {
  if (!window.confirm(t("Clore le séminaire ? Plus personne ne pourra rejoindre ni écrire."))) return;
  request("close_event", {}, t("Le séminaire n'a pas pu être clos"));
});
reopenButton.addEventListener("click", () => request("reopen_event", {}, t("Le séminaire n'a pas pu être rouvert")));

const live = followEvent(
  event,
  () => {
    draw();
    drawClosing();
  },
  { onRoomAdded: () => window.location.reload() },
);
const grid = new GridPanel(document.querySelector("[data-grid-panel]"), { call: (...args) => connection.call(...args) });
let panels = null; // the console's hooks (rooms at a glance, secret links, log), set just below
const connection = goLive(boot.token, new Map(), {
  onState: (state) => {
    showState(status, state);
    panels?.onState(state);
  },
  on: {
    event_changed: live.take,
    screen_changed: ({ screen }) => remote.take(screen),
    synthesis_published: () => followScreen(),
    // The broadcast leaves drafts out: ask for the whole list again.
    hypotheses_changed: ({ hypotheses: shown }) => {
      hypotheses.refresh();
      remote.setHypotheses(shown);
    },
    hypothesis_results: (payload) => hypotheses.showResults(payload),
    grid_changed: () => grid.refresh(),
  },
  onConnect: () => {
    live.refresh();
    followScreen();
    hypotheses.refresh();
    grid.refresh();
    panels?.onConnect();
  },
});
live.attach(connection);
// Rooms at a glance, secret links and the moderation log, on the same connection (lib/console/organiser-console.js).
panels = startConsole(boot, connection);

draw();
