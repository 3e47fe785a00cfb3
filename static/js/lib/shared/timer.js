// Countdowns every screen shows to the same second: the server's clock, not the device's.
//
// The server sends when a countdown ends (`ends_at`) and its own time (`now`); a device whose
// clock is off by a minute still counts down right once it knows the offset.

let offsetMs = 0; // server time − device time

/** Learn the server's clock from a payload's `now`; `sentAt`: when the request left (for an ack). */
export function learnServerTime(now, sentAt = null) {
  const server = Date.parse(now);
  if (Number.isNaN(server)) return;
  const received = Date.now();
  // An acknowledgement was stamped about half-way through the round trip.
  const local = sentAt === null ? received : (sentAt + received) / 2;
  offsetMs = server - local;
}

/** Return the server's current time, in milliseconds since the epoch. */
export function serverNow() {
  return Date.now() + offsetMs;
}

/** Return the whole seconds left on a timer `{ends_at, seconds}` (0 when over), or null for none. */
export function secondsLeft(timer) {
  if (!timer || !timer.ends_at) return null;
  const left = (Date.parse(timer.ends_at) - serverNow()) / 1000;
  return Math.max(0, Math.ceil(left - 0.001));
}

/** Return "4:05", "12:00" or "1:02:03" for a number of seconds. */
export function formatSeconds(total) {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * Show a countdown in `node`: its `[data-timer-value]` gets the time left, `hidden` when there
 * is no timer, `data-timer-state` is "running" or "over". Call `set(timer)` when it changes.
 */
export class TimerView {
  constructor(node) {
    this.node = node;
    this.value = node ? node.querySelector("[data-timer-value]") || node : null;
    this.timer = null;
    this._tick = null;
  }

  set(timer) {
    this.timer = timer && timer.ends_at ? timer : null;
    clearInterval(this._tick);
    this._tick = this.timer ? setInterval(() => this.draw(), 250) : null;
    this.draw();
  }

  draw() {
    if (!this.node) return;
    const left = secondsLeft(this.timer);
    this.node.hidden = left === null;
    if (left === null) return;
    const text = formatSeconds(left);
    if (this.value.textContent !== text) this.value.textContent = text;
    this.node.dataset.timerState = left > 0 ? "running" : "over";
  }
}
