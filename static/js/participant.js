// The participant's phone: what the current phase asks (the room's board, or a waiting screen),
// the countdown, cards written here sent until they land, and the plenary's hypothesis votes.
import { CardAnnouncer } from "./lib/phone/announce.js";
import { boardByKey, boardFor, boardsTakingCards, linksBackToCaseStudy, RoomBoards } from "./lib/shared/boards.js";
import { combineDecorations, isCompetenceBoard, skillDecoration, SkillFields } from "./lib/shared/competences.js";
import { el, readBoot, scaleLabels } from "./lib/shared/dom.js";
import { errorText, failureText } from "./lib/shared/errors.js";
import { Facets } from "./lib/shared/facets.js";
import { t } from "./lib/shared/i18n.js";
import { PhoneHypotheses } from "./lib/shared/hypotheses.js";
import { goLive } from "./lib/shared/live.js";
import { MatchesPanel } from "./lib/phone/matches.js";
import { Outbox } from "./lib/phone/outbox.js";
import { followEvent, kindLabel, nextLine, phaseAfter, roomPhase, showsBoard } from "./lib/shared/phase.js";
import { showState } from "./lib/shared/socket.js";
import { showSituation, situationOf, SituationCards } from "./lib/shared/situation.js";
import { RoomStore } from "./lib/shared/store.js";
import { TimerView } from "./lib/shared/timer.js";
import { byVotes, dotsLeftText, pressToggle, voteDecoration } from "./lib/shared/votes.js";

const TEXT_MAX = readBoot().limits.card_text;
// What the phone remembers across cards and reloads (this browser only): the situation already read,
// and a board's extra fields (atelier 3's type and scope).
const remembered = {
  get(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null; // storage refused (private mode…): nothing is remembered
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // storage refused or full: the phone simply forgets
    }
  },
};
const MESSAGES = {
  text: t("Une carte compte de 1 à {max} caractères.", { max: TEXT_MAX }),
  column: t("Cette colonne n'existe pas ; choisissez-en une dans la liste."),
  role: t("Choisissez d'abord votre rôle : votre carte vous attend ci-dessous."),
  skill: t("Le type, la portée ou les mots-clés de cette compétence ne conviennent pas : vérifiez-les et renvoyez la carte."),
};
// Why the room takes no cards now (the room's state, or a post's `room_closed` refusal).
const CLOSED = {
  event: t("Séminaire clos"),
  locked: t("La salle est verrouillée"),
  paused: t("Activité en pause"),
  closed: t("Activité close"),
  board: t("Ce tableau ne prend pas de cartes pour l'instant"),
};

const boot = readBoot();
const { event, participant } = boot;
const roomId = boot.room_id;
const boardNode = document.querySelector(`.board[data-room-id="${roomId}"]`);
const boardTitle = boardNode.querySelector("[data-board-title]");
const status = document.querySelector("[data-status]");
const form = document.querySelector("[data-compose]");
const columnField = form.elements.column;
const textField = form.elements.text;
const sendButton = form.querySelector("button[type=submit]");
const message = form.querySelector("[data-compose-message]");
const counter = form.querySelector("[data-compose-count]");
const closedNotice = form.querySelector("[data-compose-closed]");
// "Écrire ici" under each column; columns the organiser adds bring theirs, so they are looked up each time.
const writeButtons = () => [...boardNode.querySelectorAll("[data-write]")];

// Atelier 3: a competence card's type, scope and keywords, and the matches with other people's cards.
const skillFields = new SkillFields(form, event, { before: textField.labels[0] });
// Type and scope stay from one card to the next, and across a reload.
const skillKey = `collab:skill:${event.id}:${participant.id}`;
skillFields.restore(JSON.parse(remembered.get(skillKey) || "null"));
for (const control of [skillFields.type, skillFields.scope]) {
  control.addEventListener("change", () =>
    remembered.set(skillKey, JSON.stringify({ type: skillFields.type.value, scope: skillFields.scope.value })),
  );
}
const matchesNode = el("section", {});
// After the board: the first screen shows the board's cards; the matches are read once they exist.
boardNode.after(matchesNode);
// One line above the board: which board takes cards now (the phase's, or one opened early).
const openLine = el("p", { class: "board-open", "data-board-open": "", role: "status" });
boardNode.before(openLine);
// Several boards take cards at once (in a plenary, boards opened early): the person picks one.
const pickField = el("select", { class: "input board-pick__select", id: "board-pick" });
const picker = el("p", { class: "board-pick", "data-board-pick": "", hidden: true });
picker.append(el("label", { class: "board-pick__label", for: pickField.id }, t("Tableaux ouverts")), pickField);
openLine.after(picker);
let picked = null; // the board picked, until the phase changes
let pickedIn = null; // the phase it was picked in
pickField.addEventListener("change", () => {
  picked = pickField.value;
  showPhase();
});

/** Offer these boards to pick from (two or more; fewer hides the choice), the one on show chosen. */
function showChoices(keys) {
  picker.hidden = keys.length < 2;
  const options = keys.map((key) => [key, boardByKey(event, key).title]);
  if (pickField.dataset.options !== JSON.stringify(options)) {
    pickField.replaceChildren(...options.map(([key, title]) => el("option", { value: key }, title)));
    pickField.dataset.options = JSON.stringify(options);
  }
  pickField.value = boards.shown;
}
const matches = new MatchesPanel(matchesNode, { call: (...args) => connection.call(...args), event });

const votebar = document.querySelector("[data-votebar]");
const dotsLeft = document.querySelector("[data-dots-left]");

const boards = new RoomBoards(boardNode, {
  scaleLabel: scaleLabels(event),
  selfId: participant.id,
  decorate: combineDecorations(skillDecoration(event), voteDecoration(() => store, { phone: true })),
});
const announcer = new CardAnnouncer(document.querySelector("[data-announce]"), {
  selfId: participant.id,
  columnLabel: (card) => {
    const column = ((boardByKey(event, card.board) || {}).columns || []).find((c) => c.key === card.column);
    return column ? column.label : "";
  },
});
const store = new RoomStore(roomId, {
  selfId: participant.id,
  onOwnHidden: (card) =>
    say(t("Votre carte « {text} » a été masquée par l'animation : vous seul·e la voyez encore.", { text: shortText(card.text) }), true),
  onChange: () => {
    draw();
    showPhase();
  },
  onState: showRoomState,
});
const stores = new Map([[roomId, store]]);
let connection = null;

const outbox = new Outbox(`collab:outbox:${event.id}:${participant.id}`, {
  send: (payload, timeoutMs) => connection.call("post_card", payload, timeoutMs),
  onChange: draw,
  onPosted: (item, ack) => {
    // The acknowledgement is the card_posted this phone may not have received: apply it by its seq.
    store.apply("card_posted", { room_id: roomId, seq: ack.seq, card: ack.card });
    const held = ack.card && ack.card.held;
    say(
      held === "reveal"
        ? t("Carte envoyée : les autres la liront quand l'animation révélera les cartes.")
        : held
          ? t("Carte envoyée : elle sera publiée une fois validée par l'animation.")
          : t("Carte publiée."),
    );
    if (item.skill) matches.refresh();
  },
  onRejected: (item, error) => {
    const field = error.details && error.details.field;
    const closed =
      error.code === "closed"
        ? CLOSED.event
        : error.code === "board_closed"
          ? CLOSED.board
          : error.code === "room_closed" && CLOSED[error.details && error.details.reason];
    if (field === "role") {
      // The server knows this person without a role (for now): ask for one, the text waits.
      roleAck = { seq: (store.seq || 0) + 1, role: null };
      picking = true;
      showPhase();
    }
    const reason = closed
      ? t("{why} : votre carte n'a pas été publiée. Elle vous attend ci-dessous.", { why: closed })
      : MESSAGES[field] || t("Le serveur a refusé cette carte : {why}", { why: errorText(error) });
    // Give the text back so nothing typed is lost (after what is already there, if anything).
    const typed = textField.value.trim();
    textField.value = typed ? `${typed}\n\n${item.text}` : item.text;
    if (!typed) columnField.value = item.column;
    if (!typed && item.skill) skillFields.restore(item.skill);
    openComposer(true);
    updateCount();
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
    const role = myRole();
    const caseStudy = (item) => (boardByKey(event, item.board) || {}).kind === "case_study";
    const pending = outbox.pending().map((item) => ({ ...item, author, role: caseStudy(item) ? role : null }));
    boards.render(store.cards.values(), pending, { ready: store.seq !== null });
    announcer.update(store.cards.values(), store.seq !== null);
    // The last change applied, as the server numbers it: what a support person (or a test) compares with the server's.
    boardNode.dataset.seq = store.seq === null ? "" : String(store.seq);
    votebar.hidden = !store.vote;
    const left = dotsLeftText(store);
    if (dotsLeft.textContent !== left) dotsLeft.textContent = left;
  } finally {
    drawing = false;
  }
}

/** Let the person write only while the room takes cards; say why not otherwise. */
function showRoomState(state) {
  const roomWhy = !state ? null : state.locked ? "locked" : state.activity_state !== "open" ? state.activity_state : null;
  const why = event.closed ? "event" : roomWhy;
  const closed = why ? CLOSED[why] || CLOSED.closed : "";
  form.classList.toggle("compose--closed", Boolean(closed));
  closedNotice.textContent = closed ? t("{why} : on ne peut pas écrire pour l'instant.", { why: closed }) : "";
  closedNotice.hidden = !closed;
  for (const control of [textField, columnField, sendButton, ...writeButtons()]) control.disabled = Boolean(closed);
  skillFields.setDisabled(closed);
}

const waiting = document.querySelector("[data-waiting]");
// The plenary's hypotheses: the open one to vote on whatever the phase, the results when no board shows.
const hypotheses = new PhoneHypotheses(document.querySelector("[data-hypotheses]"), {
  call: (...args) => connection.call(...args),
});
const timer = new TimerView(document.querySelector("[data-timer]"));
const gridInvite = document.querySelector("[data-grid-invite]");
const live = followEvent(event, () => {
  showPhase();
  showRoomState(store.state);
  // The staff published or withdrew the grille de lecture.
  if ("grid_published" in event) gridInvite.hidden = !event.grid_published;
});

/** Show a board: its title, and its columns in the compose form's select (both follow the organiser's edits). */
function showBoard(board) {
  if (!board) return;
  boards.follow(event.boards);
  boards.show(board.key);
  if (boardTitle.textContent !== board.title) boardTitle.textContent = board.title;
  const options = board.columns.map((column) => `${column.key} ${column.label}`).join("\n");
  if (columnField.dataset.options === options) return;
  const chosen = columnField.value;
  columnField.replaceChildren(...board.columns.map((column) => el("option", { value: column.key }, column.label)));
  columnField.dataset.options = options;
  if (board.columns.some((column) => column.key === chosen)) columnField.value = chosen;
}

/**
 * Show what the room's current phase asks: its board during an atelier; otherwise what the phase is
 * (a plenary, a break), above the boards the organiser opened early if any, to write on meanwhile.
 */
function showPhase() {
  const phase = roomPhase(event, store.state);
  const open = boardsTakingCards(event, phase);
  const board = showsBoard(phase) || open.length > 0;
  // A phase with its own board (an atelier) shows it. Before the first phase, in a plenary or a break,
  // the phone shows a board opened early (boardFor), or the one the person picked when several are;
  // the board on show stays while it takes cards, whatever else opens meanwhile.
  const own = phase && boardByKey(event, phase.activity);
  const choices = own ? [] : open;
  if (pickedIn !== (phase ? phase.id : null)) [picked, pickedIn] = [null, phase ? phase.id : null];
  showBoard(own || (choices.includes(picked) ? boardByKey(event, picked) : boardFor(event, phase)));
  if (choices.includes(boards.shown)) picked = boards.shown;
  showChoices(board ? choices : []);
  const ofPhase = Boolean(phase && phase.activity === boards.shown);
  const takes = open.includes(boards.shown);
  const shownBoard = boardByKey(event, boards.shown);
  // The phase's own board says so by its title, several open boards by the choice between them: the
  // line shows only when cards wait, or when the one board open is not the phase's.
  openLine.hidden = !board || ofPhase || choices.length > 1;
  openLine.classList.toggle("board-open--closed", !takes);
  openLine.textContent = takes
    ? t("Tableau ouvert : {board}", { board: shownBoard ? shownBoard.title : "" })
    : t("Les cartes ne sont pas ouvertes pour l'instant");
  // Before the organiser starts the day, the phone says so (above the board, which stays readable);
  // in a plenary or a break, it says which, briefly when a board opened early is shown below.
  const before = !phase && !event.closed;
  const between = Boolean(phase) && !showsBoard(phase);
  waiting.hidden = !before && !between;
  waiting.classList.toggle("waiting--brief", between && board);
  if (before) {
    waiting.querySelector("[data-waiting-kind]").textContent = "";
    waiting.querySelector("[data-waiting-title]").textContent = t("Le séminaire n'a pas encore commencé");
    waiting.querySelector("[data-waiting-description]").textContent = "";
    waiting.querySelector("[data-waiting-next]").textContent = nextLine((event.programme || [])[0]);
  } else if (between) {
    waiting.querySelector("[data-waiting-kind]").textContent = kindLabel(phase);
    waiting.querySelector("[data-waiting-title]").textContent = phase.title;
    waiting.querySelector("[data-waiting-description]").textContent = board ? "" : phase.description || "";
    waiting.querySelector("[data-waiting-next]").textContent = board ? "" : nextLine(phaseAfter(event.programme, phase));
  }
  for (const node of document.querySelectorAll("[data-board-only]")) node.hidden = !board;
  showCaseStudy(board, linksBackToCaseStudy(phase));
  // A plenary's closed votes stay on the phone, above any board opened early.
  hypotheses.showResults(!showsBoard(phase));
  const competences = board && isCompetenceBoard(boardByKey(event, boards.shown));
  skillFields.show(competences);
  matches.show(competences);
  document.body.dataset.phaseKind = phase ? phase.kind : "";
  // The room's own countdown first; the event's when the room has none.
  const roomTimer = store.state && store.state.timer;
  timer.set(roomTimer || event.timer || null);
}

// ---- The case study: the room's situation, my role, the filter bar; atelier 2 links back. ----

const situationNode = document.querySelector("[data-situation]");
const atelier1 = new SituationCards(document.querySelector("[data-atelier1]"), {
  call: (...args) => connection.call(...args),
  event,
});
const caseBar = boardNode.querySelector("[data-case-bar]");
const rolesNode = caseBar.querySelector("[data-roles]");
const choices = rolesNode.querySelector("[data-role-choices]");
const changeRole = rolesNode.querySelector("[data-change-role]");
const facetsFold = caseBar.querySelector("[data-facets-fold]");
const facets = new Facets(facetsFold.querySelector("[data-facets]"), {
  id: "facets",
  onChange: () => {
    showFacetsChosen();
    draw();
  },
});
boards.facets = facets;
// My role as take_role acknowledged it ({seq, role}), until the room's numbered changes reach that seq.
let roleAck = null;
let picking = false; // the picker is open although I have a role ("Changer de rôle")
let caseStudyShown = false;
let situationShown = ""; // the situation (and whether on its case-study board) the fold was decided for
const situationKey = (situation) => `collab:situation-read:${event.id}:${situation.id}`;

/** Fold the situation: it has been read (the person writes, or folded it). */
function foldSituation() {
  if (situationNode.open) situationNode.open = false;
}

/** Return the protagonist I play in the room's situation, or null. */
function myRole() {
  if (roleAck && (store.seq === null || store.seq < roleAck.seq)) return roleAck.role;
  const mine = store.roles.find((entry) => entry.participant_id === participant.id);
  return mine ? mine.role : null;
}

function protagonists() {
  const situation = situationOf(event, roomId);
  return (situation && situation.protagonists) || [];
}

/** Tell whether writing waits for a role: the case-study board, a situation with protagonists, no role. */
function needsRole() {
  return boards.kind === "case_study" && protagonists().length > 0 && !myRole();
}

/** Bring the role picker to the person: they must choose before writing. */
function askRole() {
  picking = true;
  showPhase();
  sayRole(t("Choisissez d'abord votre rôle pour écrire."), true);
  choices.querySelector("button")?.focus();
}

function sayRole(text, isError = false) {
  const line = rolesNode.querySelector("[data-role-message]");
  line.textContent = text;
  line.classList.toggle("roles__message--error", isError);
}

/** Say on the folded filter bar what it shows: every card, or the role, scale and grouping chosen. */
function showFacetsChosen() {
  const chosen = facets.chosen();
  const line = facetsFold.querySelector("[data-facets-chosen]");
  line.textContent = chosen.length ? chosen.join(" · ") : t("aucun");
}

// Escape folds the filter bar again, back to its line.
facetsFold.addEventListener("keydown", (press) => {
  if (press.key !== "Escape" || !facetsFold.open) return;
  facetsFold.open = false;
  facetsFold.querySelector("summary").focus();
});

/** Show the situation, my role or the picker, and the filter bar, as the shown board asks. */
function showCaseStudy(boardShown, atelier2) {
  const situation = situationOf(event, roomId);
  const caseStudy = boardShown && boards.kind === "case_study";
  showSituation(situationNode, situation);
  situationNode.hidden = !boardShown || !situation;
  // The case study starts with the situation read, once: it opens the first time its board comes on
  // this phone, and stays folded after (the page remembers it), so the first screen shows cards.
  const shown = boardShown && situation ? `${situation.id}:${caseStudy}` : "";
  if (shown !== situationShown) {
    situationShown = shown;
    const key = situation && situationKey(situation);
    situationNode.open = Boolean(caseStudy && key && !remembered.get(key));
    if (situationNode.open) remembered.set(key, "read");
  }
  caseStudyShown = caseStudy;
  atelier1.show(situation ? situation.id : null, boardShown && atelier2);

  const names = protagonists();
  const role = myRole();
  const wantsRole = needsRole();
  caseBar.hidden = !caseStudy;
  rolesNode.hidden = names.length === 0;
  const mine = rolesNode.querySelector("[data-my-role]");
  mine.hidden = Boolean(role);
  mine.textContent = t("Vous n'avez pas encore de rôle.");
  const roleName = changeRole.querySelector("[data-my-role-name]");
  if (roleName.textContent !== (role || "")) roleName.textContent = role || "";
  const open = wantsRole || picking;
  rolesNode.querySelector("[data-role-picker]").hidden = !open;
  rolesNode.querySelector("[data-role-cancel]").hidden = !role;
  changeRole.hidden = !role;
  changeRole.setAttribute("aria-expanded", String(open));
  if (choices.dataset.names !== JSON.stringify(names)) {
    choices.replaceChildren(
      ...names.map((name) =>
        el("li", {}, el("button", { type: "button", class: "button roles__choice", "data-role": name, "aria-pressed": "false" }, name)),
      ),
    );
    choices.dataset.names = JSON.stringify(names);
  }
  for (const button of choices.querySelectorAll("[data-role]")) {
    button.setAttribute("aria-pressed", String(button.dataset.role === role));
  }

  facets.setChoices({ roles: names, scales: event.scales || [] });
  showFacetsChosen();
  form.hidden = !boardShown || wantsRole;
}

rolesNode.addEventListener("click", async (click) => {
  const button = click.target.closest("button");
  if (!button || button.disabled) return;
  if (button.hasAttribute("data-change-role")) {
    // The same button folds the picker again ("Garder mon rôle" does too).
    picking = !picking;
    if (!picking) sayRole("");
    showPhase();
    if (picking) choices.querySelector('[aria-pressed="true"]')?.focus();
    return;
  }
  if (button.hasAttribute("data-role-cancel")) {
    picking = false;
    sayRole("");
    showPhase();
    changeRole.focus(); // the picker folded away under the focus
    return;
  }
  if (!button.hasAttribute("data-role")) return;
  button.disabled = true;
  try {
    const ack = await connection.call("take_role", { role: button.dataset.role }, 5000);
    if (!ack.ok) throw new Error(errorText(ack.error));
    roleAck = { seq: Number.isInteger(ack.seq) ? ack.seq : (store.seq || 0) + 1, role: ack.role ?? button.dataset.role };
    picking = false;
    sayRole(t("Rôle choisi : {role}.", { role: roleAck.role }));
    draw();
    showPhase();
    if (button.closest("[hidden]")) changeRole.focus(); // the picker folded away under the focus
  } catch (err) {
    sayRole(t("Le rôle n'a pas été pris : {why}.", { why: failureText(err) }), true);
  } finally {
    if (button.isConnected) button.disabled = false;
  }
});

function say(text, isError = false) {
  message.textContent = text;
  message.classList.toggle("compose__message--error", isError);
}

/** Return a card's words cut for a sentence (with an ellipsis). */
function shortText(text) {
  const words = (text || "").replace(/\s+/g, " ").trim();
  return words.length > 60 ? `${words.slice(0, 59)}…` : words;
}

const tooLong = (n) => t("Trop long : {n} caractères sur {max}. Raccourcissez votre carte avant de l'envoyer.", { n, max: TEXT_MAX });
let saidTooLong = false;

/** Show how long the card is; past the limit the count turns red and the phone says so (nothing is cut). */
function updateCount() {
  const n = textField.value.length;
  const over = n > TEXT_MAX;
  counter.textContent = `${n} / ${TEXT_MAX}`;
  counter.classList.toggle("compose__count--over", over);
  if (over) textField.setAttribute("aria-invalid", "true");
  else textField.removeAttribute("aria-invalid");
  if (over) say(tooLong(n), true);
  else if (saidTooLong) say("");
  saidTooLong = over;
}

/** Open the composer (its column, a board's extra fields, the count) or close it to one line. */
function openComposer(open) {
  const value = String(Boolean(open));
  if (form.dataset.open === value) return;
  form.dataset.open = value;
  document.body.dataset.composing = value;
  textField.rows = open ? 3 : 1;
  if (open) foldSituation();
}

form.addEventListener("focusin", () => openComposer(true));
form.addEventListener("focusout", (leaving) => {
  // Closed again when the person leaves it with nothing written.
  if (!form.contains(leaving.relatedTarget) && !textField.value.trim()) openComposer(false);
});
form.addEventListener("keydown", (key) => {
  if (key.key !== "Escape" || textField.value.trim()) return;
  document.activeElement?.blur();
  openComposer(false);
});

form.addEventListener("submit", (submitted) => {
  submitted.preventDefault();
  const text = textField.value.trim();
  if (!text) {
    openComposer(true);
    say(t("Écrivez d'abord votre carte."), true);
    textField.focus();
    return;
  }
  if (text.length > TEXT_MAX) {
    openComposer(true);
    say(tooLong(text.length), true);
    textField.focus();
    return;
  }
  if (needsRole()) {
    askRole();
    return;
  }
  const skill = skillFields.active ? skillFields.read() : null;
  if (skill && skill.error) {
    say(skill.error, true);
    skill.control.focus();
    return;
  }
  outbox.add({ board: boards.shown, column: columnField.value, text, skill: skill && skill.skill });
  if (skill) skillFields.clear();
  textField.value = "";
  updateCount();
  say(connection.connected ? t("Envoi…") : t("Carte gardée sur ce téléphone : elle partira au retour du réseau."));
  // Sent: the composer closes to its line and the board has the screen again.
  if (form.contains(document.activeElement)) document.activeElement.blur();
  openComposer(false);
});

textField.addEventListener("input", updateCount);
textField.addEventListener("keydown", (key) => {
  // Ctrl/Cmd + Entrée sends, as in most messaging apps on a laptop.
  if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) form.requestSubmit();
});

for (const button of writeButtons()) button.disabled = false;
boardNode.addEventListener("click", (click) => {
  const button = click.target.closest("button[data-write]");
  if (!button || button.disabled) return;
  if (needsRole()) return askRole();
  columnField.value = button.dataset.write;
  openComposer(true);
  textField.focus();
});

// A dot placed or withdrawn: the acknowledgement carries the card's count (a numbered change) and my dots.
boardNode.addEventListener("click", async (click) => {
  const button = click.target.closest("button[data-dot]");
  if (!button || button.disabled) return;
  const name = button.dataset.dot === "place" ? "place_dot" : "withdraw_dot";
  const voteId = store.vote && store.vote.id;
  button.disabled = true;
  try {
    const ack = await connection.call(name, { card_id: Number(button.dataset.cardId) }, 5000);
    if (!ack.ok) throw new Error(errorText(ack.error));
    store.apply("votes_changed", { room_id: roomId, seq: ack.seq, card_id: ack.card_id, votes: ack.votes });
    store.setMine(voteId, ack.mine);
  } catch (err) {
    say(t("Le point n'a pas été pris en compte : {why}.", { why: failureText(err) }), true);
    if (button.isConnected) button.disabled = false;
  }
});

pressToggle(document.querySelector("[data-sort-votes]"), (pressed) => {
  boards.sortBy = pressed ? byVotes : null;
  draw();
});

connection = goLive(boot.token, stores, {
  onState: (state, detail) => {
    showState(status, state);
    if (state === "refused") {
      say(t("Cette inscription n'est plus reconnue. Rejoignez à nouveau l'événement avec son code."), true);
    }
  },
  on: {
    event_changed: live.take,
    match_changed: () => matches.refresh(),
    competences_changed: () => matches.refreshSoon(),
    hypotheses_changed: (payload) => hypotheses.take(payload),
  },
  onConnect: () => {
    live.refresh();
    outbox.flush();
    matches.refresh();
    atelier1.refresh();
    hypotheses.refresh();
  },
});
live.attach(connection);

sendButton.disabled = false;
updateCount();
draw();
showPhase();

// "Effacer mes contributions": asked twice, then the server erases this participant and the page
// goes back to the join form (this phone's registration no longer works).
const erase = document.querySelector("[data-erase]");
const eraseStart = erase.querySelector("[data-erase-start]");
const eraseConfirm = erase.querySelector("[data-erase-confirm]");
const eraseMessage = erase.querySelector("[data-erase-message]");
const eraseYes = erase.querySelector("[data-erase-yes]");
const showEraseConfirm = (shown) => {
  eraseConfirm.hidden = !shown;
  eraseStart.setAttribute("aria-expanded", String(shown));
  eraseMessage.textContent = "";
  if (!shown) return;
  // Above the compose bar, which covers the foot of the page.
  eraseConfirm.scrollIntoView({ block: "center" });
  eraseYes.focus({ preventScroll: true });
};
eraseStart.addEventListener("click", () => showEraseConfirm(eraseConfirm.hidden));
erase.querySelector("[data-erase-no]").addEventListener("click", () => {
  showEraseConfirm(false);
  eraseStart.focus();
});
eraseYes.addEventListener("click", async () => {
  eraseYes.disabled = true;
  try {
    const ack = await connection.call("erase_me", { confirm: true });
    if (!ack.ok) throw new Error(errorText(ack.error));
    eraseMessage.textContent = t("Vos contributions ont été effacées.");
    window.location.replace(boot.erased_url);
  } catch (err) {
    eraseMessage.textContent = t("L'effacement n'a pas pu se faire : {why}. Réessayez.", { why: failureText(err) });
    eraseYes.disabled = false;
  }
});
