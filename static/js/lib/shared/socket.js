// One Socket.IO connection per page: acknowledged calls with a timeout, and a connection state.
// Relative, so the client comes from the same release (versioned path) as this module.
import { io } from "../../../vendor/socket.io.esm.min.js";
import { t } from "./i18n.js";

/** The connection states a page shows, in French. */
export const STATE_LABELS = {
  connecting: t("Connexion…"),
  connected: t("Connecté"),
  reconnecting: t("Reconnexion…"),
  offline: t("Hors ligne"),
  refused: t("Accès refusé"),
};

/** A call that got no acknowledgement: not sent (disconnected) or no answer in time. */
export class CallError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason; // "disconnected" | "timeout"
  }
}

/**
 * Connect with `token` and return `{socket, call, state}`.
 *
 * handlers: `onState(state, detail)` on every change of state, `onConnect()` after every
 * (re)connection (the moment to sync), and `on: {event: fn}` for server→client events (the
 * changes of a `changes` batch included, one by one).
 */
export function connect(token, { onState = () => {}, onConnect = () => {}, on = {} } = {}) {
  // Default transports (long-polling, then upgrade to websocket): works behind any proxy.
  // Several workers behind a load balancer take websocket only (docs/deploy.md): the page says so.
  const only = document.querySelector('meta[name="collab-transports"]')?.content;
  const socket = io({ auth: { token }, ...(only ? { transports: only.split(",") } : {}) });
  let state = "connecting";
  let retryTimer = null;

  const setState = (next, detail) => {
    if (next === state && next !== "refused") return;
    state = next;
    onState(next, detail);
  };
  const lost = () => setState(navigator.onLine === false ? "offline" : "reconnecting");

  for (const [name, handler] of Object.entries(on)) socket.on(name, handler);
  // A room's numbered changes arrive batched (`changes`, docs/protocol.md): each goes to its handler.
  socket.on("changes", (batch) => {
    for (const change of batch.changes || []) if (on[change.event]) on[change.event](change.payload);
  });

  socket.on("connect", () => {
    clearTimeout(retryTimer);
    setState("connected");
    onConnect();
  });
  socket.on("disconnect", (reason) => {
    lost();
    // The server closed this socket on purpose; Socket.IO will not retry by itself.
    if (reason === "io server disconnect") retryTimer = setTimeout(() => socket.connect(), 2000);
  });
  socket.on("connect_error", (err) => {
    if (socket.active) {
      lost(); // the network: Socket.IO keeps trying
    } else {
      setState("refused", err.data || { message: err.message }); // the server said no to this token
    }
  });
  window.addEventListener("offline", () => {
    if (state !== "refused") setState("offline");
  });
  window.addEventListener("online", () => {
    // A short drop may not have closed the socket: then the page is connected again, and says so.
    if (state !== "refused") setState(socket.connected ? "connected" : "reconnecting");
  });

  /** Resolve once connected, or after `timeoutMs` (the caller then finds the socket disconnected). */
  function firstConnection(timeoutMs) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        socket.off("connect", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      socket.on("connect", done);
    });
  }

  /** Send `event` and resolve with its acknowledgement; reject with CallError when there is none. */
  async function call(event, payload, timeoutMs = 5000) {
    // A click while the page is still making its first connection waits for it, within the timeout.
    if (state === "connecting" && !socket.connected) await firstConnection(timeoutMs);
    if (!socket.connected) throw new CallError("disconnected", t("pas de connexion au serveur"));
    try {
      return await socket.timeout(timeoutMs).emitWithAck(event, payload);
    } catch (err) {
      throw new CallError(socket.connected ? "timeout" : "disconnected", err.message);
    }
  }

  /** Call `listener(event, payload)` for every server→client event, each change of a batch on its own. */
  function onAny(listener) {
    socket.onAny((event, payload) => {
      if (event !== "changes") listener(event, payload);
      else for (const change of (payload && payload.changes) || []) listener(change.event, change.payload);
    });
  }

  return {
    socket,
    call,
    onAny,
    get connected() {
      return socket.connected;
    },
    get state() {
      return state;
    },
  };
}

/** Show a connection state in an element holding `[data-status-text]`, kept in `data-status`. */
export function showState(node, state) {
  if (!node) return;
  node.dataset.status = state;
  const text = node.querySelector("[data-status-text]") || node;
  text.textContent = STATE_LABELS[state] || state;
}
