// A participant's cards not yet acknowledged, kept in localStorage before they are sent,
// so a card written on a dropping Wi-Fi (or before a reload) is sent again until it lands.

const SEND_TIMEOUT_MS = 5000;
const RETRY_MS = [2000, 5000, 10000, 20000, 30000];
// Refusals a retry cannot fix: the card is dropped and the person told why.
// `room_closed`: the room is locked, paused or closed; `board_closed`: the board is not the phase's;
// either way the card goes back to its author, who posts again once it takes cards.
const FINAL_ERRORS = new Set(["invalid", "conflict", "forbidden", "not_found", "room_closed", "board_closed", "closed"]);

/** Return a new client id: 22 characters of A–Z a–z 0–9 _ - (works without HTTPS, unlike randomUUID). */
export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export class Outbox {
  /**
   * `key`: the localStorage key (one per event and participant).
   * `send(payload, timeoutMs)`: resolves with the acknowledgement, rejects without one.
   * `onChange()`: the pending cards changed. `onPosted(item, ack)`: a card landed.
   * `onRejected(item, error)`: the server refused a card for good.
   */
  constructor(key, { send, onChange = () => {}, onPosted = () => {}, onRejected = () => {} }) {
    this.key = key;
    this.send = send;
    this.onChange = onChange;
    this.onPosted = onPosted;
    this.onRejected = onRejected;
    this.items = this._load();
    this._sending = new Set();
    this._attempts = new Map();
    this._timers = new Map();
    this._settled = new Set();
    // Another tab of the same participant wrote the outbox: take its cards too.
    window.addEventListener("storage", (event) => {
      if (event.key === this.key && this._merge()) {
        this.onChange();
        this.flush();
      }
    });
  }

  /** Return the cards still waiting, oldest first. */
  pending() {
    return [...this.items];
  }

  /** Store a new card (before anything is sent), then try to send it; return it. `skill`: on the competences board. */
  add({ board, column, text, skill = null }) {
    const item = { client_id: newClientId(), board, column, text, created_at: new Date().toISOString() };
    if (skill) item.skill = skill;
    this.items.push(item);
    this._save();
    this.onChange();
    this._send(item);
    return item;
  }

  /** Try to send every waiting card (after a (re)connection). */
  flush() {
    for (const item of this.items) {
      clearTimeout(this._timers.get(item.client_id));
      this._send(item);
    }
  }

  /** Forget a card that has reached the board (seen with its client id). */
  settle(clientId) {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.client_id !== clientId);
    this._settled.add(clientId);
    if (this.items.length !== before) {
      clearTimeout(this._timers.get(clientId));
      this._attempts.delete(clientId);
      this._save();
      this.onChange();
    }
  }

  async _send(item) {
    const id = item.client_id;
    if (this._sending.has(id) || !this.items.includes(item)) return;
    this._sending.add(id);
    let ack;
    try {
      const { client_id, board, column, text, skill } = item;
      const payload = { client_id, board, column, text };
      if (skill) payload.skill = skill;
      ack = await this.send(payload, SEND_TIMEOUT_MS);
    } catch (err) {
      // No acknowledgement (offline, or no answer in time): keep it and try again.
      this._sending.delete(id);
      if (err && err.reason === "timeout") this._retryLater(item);
      return;
    }
    this._sending.delete(id);
    if (ack && ack.ok === true) {
      this.settle(id);
      this.onPosted(item, ack);
    } else if (ack && ack.error && FINAL_ERRORS.has(ack.error.code)) {
      this.settle(id);
      this.onRejected(item, ack.error);
    } else if (ack && ack.error && ack.error.code === "rate_limited") {
      // Too many cards at once (a long offline queue): send it when the server says, kept as pending.
      const seconds = Number(ack.error.details && ack.error.details.retry_after) || 3;
      this._retryIn(item, seconds * 1000 + Math.random() * 500);
    } else {
      this._retryLater(item); // `internal`: nothing was stored, it may work in a moment
    }
  }

  _retryLater(item) {
    const attempts = (this._attempts.get(item.client_id) || 0) + 1;
    this._attempts.set(item.client_id, attempts);
    this._retryIn(item, RETRY_MS[Math.min(attempts, RETRY_MS.length) - 1]);
  }

  _retryIn(item, delay) {
    clearTimeout(this._timers.get(item.client_id));
    this._timers.set(item.client_id, setTimeout(() => this._send(item), delay));
  }

  _load() {
    try {
      const items = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(items) ? items.filter((item) => item && typeof item.client_id === "string") : [];
    } catch {
      return [];
    }
  }

  // Add the stored cards this page does not know and has not seen land; true if any.
  _merge() {
    const known = new Set(this.items.map((item) => item.client_id));
    const added = this._load().filter((item) => !known.has(item.client_id) && !this._settled.has(item.client_id));
    this.items.push(...added);
    return added.length > 0;
  }

  _save() {
    this._merge(); // never overwrite what another tab stored meanwhile
    try {
      if (this.items.length) localStorage.setItem(this.key, JSON.stringify(this.items));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage full or disabled (private browsing): the cards stay in memory for this visit.
    }
  }
}
