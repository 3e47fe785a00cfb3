// The organiser's live console: three panels (rooms at a glance, secret links, moderation log)
// on the page's connection. Figures and log are fetched again, at most every 400 ms, when rooms change.
import { t } from "../shared/i18n.js";
import { LinksPanel } from "./links-panel.js";
import { LogPanel } from "./log-panel.js";
import { OverviewPanel } from "./overview-panel.js";
import { showState } from "../shared/socket.js";

const REFRESH_MS = 400;

/**
 * Return `fn` run once, `ms` after the first of a burst of calls: the calls in between are
 * folded into it, and a steady stream of changes (a busy seminar) still refreshes every `ms`.
 */
function coalesce(fn, ms) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

/**
 * Start the console on the organiser page described by `boot` ({token, event}), over the page's
 * `connection` (see socket.js). Return the hooks the page calls on its connection's state changes
 * and (re)connections, or null when the page has no console.
 */
export function startConsole(boot, connection) {
  const overviewRoot = document.querySelector("[data-overview]");
  const linksRoot = document.querySelector("[data-links-panel]");
  const logRoot = document.querySelector("[data-log-panel]");
  if (!overviewRoot || !linksRoot || !logRoot || !boot.token) return null;
  const status = overviewRoot.querySelector("[data-status]");
  const alertBox = overviewRoot.querySelector("[data-console-message]");
  const roomNames = new Map((boot.event.rooms || []).map((room) => [room.id, room.name]));

  const overview = new OverviewPanel(overviewRoot);
  const log = new LogPanel(logRoot, (roomId) => roomNames.get(roomId) || `Salle ${roomId}`);
  const call = (event, payload) => connection.call(event, payload);

  const warn = (text) => {
    alertBox.textContent = text;
    alertBox.hidden = !text;
  };
  // A failed fetch leaves the panel as it was; the next change or reconnection fetches again.
  const fetchInto = async (event, show) => {
    try {
      const ack = await call(event, {});
      if (ack.ok) show(ack);
    } catch (err) {
      console.warn(event, err.message);
    }
  };
  const refreshFigures = () => fetchInto("get_overview", (ack) => overview.render(ack.rooms));
  const refreshLog = () => fetchInto("get_moderation_log", (ack) => log.render(ack.entries));
  const refreshSoon = coalesce(() => {
    refreshFigures();
    refreshLog();
  }, REFRESH_MS);

  const links = new LinksPanel(linksRoot, {
    call,
    rooms: () => boot.event.rooms,
    onChanged: refreshLog,
    // The organiser regenerated their own link: the old one is dead, the page moves to the new one.
    onOwnLink: (url) => window.location.replace(url),
  });

  connection.socket.on("presence_changed", (payload) => overview.showPresence(payload));
  // Every numbered room change (a card posted, hidden, a room locked…) may move a figure or add
  // a log line: fetch both again shortly after, once for the whole burst.
  // The day's own changes (a phase, a vote on a hypothesis) are logged too.
  connection.onAny((name, payload) => {
    if (payload && Number.isInteger(payload.seq)) refreshSoon();
    else if (name === "event_changed" || name === "hypotheses_changed") refreshSoon();
  });
  return {
    onState: (state) => {
      showState(status, state);
      if (state === "refused") warn(t("Ce lien d'organisation n'est plus valable."));
    },
    onConnect: () => {
      warn("");
      refreshFigures();
      refreshLog();
      links.refresh().catch((err) => console.warn("list_links", err.message));
    },
  };
}
