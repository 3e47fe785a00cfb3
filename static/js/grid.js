// The self-diagnosis page: the published grille de lecture applied to one's own situation. Answers
// are kept in this browser as they are typed (lib/grid/draft.js) and saved for this participant
// alone whenever the page is connected; without a token (a closed event, never joined) they stay here.
import { readBoot } from "./lib/shared/dom.js";
import { errorText } from "./lib/shared/errors.js";
import { t } from "./lib/shared/i18n.js";
import { connect } from "./lib/shared/socket.js";
import { Draft } from "./lib/grid/draft.js";

// Typing goes to the server once it pauses this long; every keystroke is in localStorage at once.
const SEND_DELAY_MS = 600;
// A refusal a retry cannot fix: the answers stay here and the person is told why.
const FINAL_ERRORS = new Set(["invalid", "not_found", "forbidden", "unauthorised"]);

const boot = readBoot();
const form = document.querySelector("[data-grid-form]");
const stateNode = document.querySelector("[data-grid-state]");
const situation = form.querySelector("[data-grid-situation]");
const pointIds = new Set(boot.grid.questions.flatMap((q) => q.points.map((p) => String(p.id))));
const draft = new Draft(`collab.grid.${boot.event_id}.${boot.participant_id ?? "visitor"}`, boot.saved || null);

let connection = null;
let refusedConnection = false;
let sending = false;
let timer = null;
let refusal = null;

/** Put the draft into the form, and into the lines a printout shows. */
function show() {
  situation.value = draft.state.situation;
  printSituation();
  for (const input of form.querySelectorAll("[data-grid-answer]")) {
    input.checked = draft.point(input.dataset.gridAnswer).answer === input.value;
  }
  for (const note of form.querySelectorAll("[data-grid-note]")) {
    note.value = draft.point(note.dataset.gridNote).note || "";
    printNote(note.dataset.gridNote);
  }
}

function printSituation() {
  form.querySelector("[data-grid-situation-print]").textContent = draft.state.situation || "—";
}

function printNote(id) {
  form.querySelector(`[data-grid-note-print="${id}"]`).textContent = draft.point(id).note || "";
}

/** Say where the answers are: saved, kept here until the connection returns, or refused. */
function showState() {
  if (!stateNode) return;
  let text;
  if (!connection) text = t("Vos réponses sont gardées dans ce navigateur.");
  else if (refusedConnection) text = t("Ce lien n'est plus valable : vos réponses restent dans ce navigateur.");
  else if (refusal) text = t("Non enregistré : {reason}. Vos réponses restent dans ce navigateur.", { reason: refusal });
  else if (!connection.connected) text = t("Hors ligne : vos réponses sont gardées dans ce navigateur et seront enregistrées au retour de la connexion.");
  else if (draft.unsent || sending) text = t("Enregistrement…");
  else text = t("Réponses enregistrées.");
  stateNode.textContent = text;
  stateNode.dataset.saved = String(Boolean(connection && connection.connected && !draft.unsent && !sending && !refusal));
}

/** Send the diagnosis as it is now, once the previous send is answered; again if it changed meanwhile. */
async function send() {
  clearTimeout(timer);
  if (!connection || !connection.connected || sending || !draft.unsent) return showState();
  sending = true;
  const version = draft.version;
  showState();
  try {
    const ack = await connection.call("save_grid_answers", draft.payload(pointIds));
    if (ack.ok) {
      refusal = null;
      draft.acknowledged(version);
    } else {
      refusal = errorText(ack.error);
      if (!FINAL_ERRORS.has(ack.error.code)) timer = setTimeout(send, 5000);
    }
  } catch {
    // No acknowledgement: the connection dropped; sent again when it returns.
  } finally {
    sending = false;
  }
  if (draft.unsent && version !== draft.version) return send();
  showState();
}

function changed() {
  refusal = null;
  showState();
  clearTimeout(timer);
  timer = setTimeout(send, SEND_DELAY_MS);
}

situation.addEventListener("input", () => {
  draft.setSituation(situation.value);
  printSituation();
  changed();
});
form.addEventListener("change", (event) => {
  const input = event.target;
  if (input.dataset.gridAnswer && input.checked) {
    draft.setPoint(input.dataset.gridAnswer, "answer", input.value);
    changed();
  }
});
form.addEventListener("input", (event) => {
  const note = event.target;
  if (note.dataset.gridNote) {
    draft.setPoint(note.dataset.gridNote, "note", note.value);
    printNote(note.dataset.gridNote);
    changed();
  }
});
form.addEventListener("submit", (event) => event.preventDefault());
document.querySelector("[data-grid-print]")?.addEventListener("click", () => window.print());

/** After a (re)connection: send what was typed meanwhile, or else take what another device saved. */
async function caughtUp() {
  if (draft.unsent) return send();
  const version = draft.version;
  try {
    const ack = await connection.call("get_grid_answers", {});
    if (ack.ok && draft.version === version && draft.adopt(ack)) show();
  } catch {
    // No answer: the page keeps what it shows, and asks again on the next connection.
  }
  showState();
}

// Another tab of the same participant typed: show it here too.
window.addEventListener("storage", (event) => {
  if (event.key === draft.key && draft.reload()) {
    show();
    showState();
  }
});

if (boot.token) {
  connection = connect(boot.token, {
    onState: (state) => {
      refusedConnection = state === "refused";
      showState();
    },
    onConnect: caughtUp, // whatever was typed offline, or before a reload, goes now
  });
  // A short drop may not have closed the socket: catch up all the same.
  window.addEventListener("online", () => {
    if (connection.connected) caughtUp();
  });
}
show();
showState();
