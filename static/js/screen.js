// The plenary screen: what the organiser chooses to show (lib/screen/modes.js), one view per mode:
// welcome, every room or one (lib/screen/rooms.js), the combined board, the syntheses, a hypothesis,
// the competence map, the word cloud; the programme's now and next and who is connected on top.
import { boardByKey } from "./lib/shared/boards.js";
import { CompetenceMap } from "./lib/shared/competence-map.js";
import { isCompetenceBoard } from "./lib/shared/competences.js";
import { readBoot, scaleLabels } from "./lib/shared/dom.js";
import { goLive } from "./lib/shared/live.js";
import { followEvent, phaseById } from "./lib/shared/phase.js";
import { CombinedView } from "./lib/screen/combined.js";
import { ScreenHeader } from "./lib/screen/header.js";
import { HypothesisView } from "./lib/screen/hypothesis.js";
import { ScreenModes } from "./lib/screen/modes.js";
import { RoomsView } from "./lib/screen/rooms.js";
import { SynthesesView } from "./lib/screen/syntheses.js";
import { WelcomeView } from "./lib/screen/welcome.js";
import { WordCloudView } from "./lib/screen/wordcloud.js";
import { showState } from "./lib/shared/socket.js";

const PROGRAMME_REFRESH_MS = 30000;

const boot = readBoot();
const { event } = boot;
const scaleLabel = scaleLabels(event);
const status = document.querySelector("[data-status]");
const call = (...args) => connection.call(...args);
const view = (name) => document.querySelector(`[data-mode-view="${name}"]`);

const header = new ScreenHeader(document.querySelector(".screen__top"), event);
const welcome = new WelcomeView(view("welcome"), event);
const combined = new CombinedView(view("combined"), { call });
const wordcloud = new WordCloudView(view("wordcloud"), { event, call });
const rooms = new RoomsView(view("rooms"), {
  event,
  call,
  scaleLabel,
  onCards: () => {
    combined.changed();
    wordcloud.changed();
  },
});
const syntheses = new SynthesesView(view("syntheses"), { event, scaleLabel });
const hypothesis = new HypothesisView(view("hypothesis"), { call });
const competencesNode = view("competences");
const competenceMap = new CompetenceMap(competencesNode.querySelector("[data-competence-map]"), { call, event, gapsShown: 6, topShown: 5, live: false });
const competences = {
  show: () => {
    competencesNode.hidden = false;
    competenceMap.show(true);
  },
  hide: () => {
    competencesNode.hidden = true;
    competenceMap.show(false);
  },
};

const modes = new ScreenModes(
  document.body,
  { welcome, rooms, combined, syntheses, hypothesis, competences, wordcloud },
  { syntheses: document.querySelector("[data-show-syntheses]"), competences: document.querySelector("[data-show-competences]") },
);

let followedPhase = "none"; // the event's phase the screen last followed
/** While the organiser leaves the rooms on, atelier 3 (a phase on the competences board) shows the map. */
function followCompetencePhase() {
  const phase = phaseById(event.programme, event.current_phase_id);
  if ((phase ? phase.id : null) === followedPhase) return;
  followedPhase = phase ? phase.id : null;
  const atelier3 = Boolean(phase && isCompetenceBoard(boardByKey(event, phase.activity)));
  if (atelier3 && modes.screen.mode === "rooms") modes.override("competences");
  else if (!atelier3 && modes.local === "competences") modes.override(null);
}

/**
 * Before the organiser starts the day, the screen shows the welcome instead of the (empty) rooms, unless
 * a board was opened early: then the screen shows what the phones post. Any other mode the organiser chose wins.
 */
function followDayStart() {
  const opened = (event.open_boards || []).length > 0;
  const waiting = event.current_phase_id == null && !event.closed && !opened && modes.screen.mode === "rooms";
  if (waiting && modes.local !== "welcome") modes.override("welcome");
  else if (!waiting && modes.local === "welcome") modes.override(null);
}

function drawProgramme() {
  header.render();
  if (!welcome.root.hidden) welcome.render();
}

function showPresence(presence) {
  header.showPresence(presence.total || 0);
  rooms.showPresence(presence.rooms);
  welcome.showPresence(presence);
}

// A room opened during the day: the screen draws every room, so it draws itself again.
const live = followEvent(
  event,
  () => {
    drawProgramme();
    rooms.refreshClocks();
    followCompetencePhase();
    followDayStart();
  },
  { onRoomAdded: () => window.location.reload() },
);

const connection = goLive(boot.token, rooms.stores, {
  onState: (state) => showState(status, state),
  onConnect: async () => {
    live.refresh();
    competenceMap.refresh();
    rooms.refreshSituations();
    combined.refresh();
    wordcloud.refresh();
    hypothesis.refresh();
    try {
      // What the organiser chose while this screen was away, and what was published meanwhile.
      const shown = await call("get_screen", {}, 10000);
      if (shown.ok) modes.set(shown.screen);
      followDayStart();
      const ack = await call("get_syntheses", {}, 10000);
      if (ack.ok) syntheses.take(ack.syntheses);
    } catch {
      // The next connection asks again.
    }
  },
  on: {
    presence_changed: showPresence,
    event_changed: live.take,
    screen_changed: ({ screen }) => {
      modes.set(screen);
      followDayStart();
    },
    competences_changed: () => competenceMap.refreshSoon(),
    hypotheses_changed: ({ hypotheses, count }) => hypothesis.take(hypotheses, count),
    hypothesis_results: (payload) => hypothesis.results(payload),
    synthesis_published: ({ synthesis }) => syntheses.take([synthesis]),
  },
});
live.attach(connection);

modes.set(boot.screen || { mode: "rooms" });
drawProgramme();
setInterval(drawProgramme, PROGRAMME_REFRESH_MS);
followCompetencePhase();
followDayStart();
