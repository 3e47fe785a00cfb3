// The load generator of bench/scale.py: many phones, the screen and the consoles on raw
// WebSockets speaking Engine.IO 4 / Socket.IO 5 (what socket.io-client 4 speaks), in one Node
// process pinned to its own core.
//
// Usage: node bench/scale_load.mjs CONFIG.json
// CONFIG.urls lists the workers (one for a single process): the screen and the organiser go to the
// first, the consoles in turn, and the phones of each room in turn, so a card posted on one worker
// has readers on every other; latencies and losses are also counted apart for those readers.
// It prints one JSON object per line: {"phase": "connected", ...} once every client is in, then
// {"phase": "result", ...}. For the "idle" scenario it waits for a line on stdin (the caller has
// read the server's memory) before idling.
//
// Every client offers permessage-deflate, as every browser does; the server decides.
// Latency is measured from the moment a card is sent to its receipt by each client, on this
// process's clock: a card's client id says which one it is, in whatever frame it arrives.

import { readFileSync } from "node:fs";
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import WebSocket from "ws";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const wsUrls = (config.urls || [config.url]).map((url) => url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
const CLIENT_ID = /"client_id":"bench-(\d+)"/g;

const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One Socket.IO client on a raw WebSocket. */
class Client {
  constructor(kind, token, room, worker = 0) {
    this.kind = kind; // "phone" | "screen" | "console" | "organiser"
    this.token = token;
    this.room = room;
    this.worker = worker % wsUrls.length; // which worker it connects to
    this.acks = new Map();
    this.nextAck = 1;
    this.closed = false;
    this.onEvent = null; // (raw frame text) => void
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrls[this.worker], { perMessageDeflate: true });
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error("connect timeout")), 30000);
      ws.on("message", (data) => {
        const text = data.toString();
        const type = text.charCodeAt(0);
        if (type === 50 /* "2" ping */) {
          ws.send("3");
        } else if (type === 48 /* "0" open */) {
          ws.send("40" + JSON.stringify({ token: this.token }));
        } else if (text.startsWith("40")) {
          clearTimeout(timer);
          resolve(this);
        } else if (text.startsWith("44")) {
          clearTimeout(timer);
          reject(new Error("refused: " + text));
        } else if (text.startsWith("42")) {
          if (this.onEvent) this.onEvent(text);
        } else if (text.startsWith("43")) {
          const bracket = text.indexOf("[");
          const id = Number(text.slice(2, bracket));
          const done = this.acks.get(id);
          if (done) {
            this.acks.delete(id);
            done(text.slice(bracket));
          }
        }
      });
      ws.on("close", () => {
        this.closed = true;
      });
      ws.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Emit with an acknowledgement; resolves with the raw ack array text. */
  call(event, payload) {
    const id = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.ws.send("42" + id + JSON.stringify([event, payload]));
    });
  }
}

async function connectAll(clients, parallel = 64) {
  let next = 0;
  const workers = [];
  for (let w = 0; w < parallel; w++) {
    workers.push(
      (async () => {
        while (next < clients.length) {
          const client = clients[next++];
          await client.open();
        }
      })(),
    );
  }
  await Promise.all(workers);
}

function summary(values) {
  if (values.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (q) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1))];
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted[sorted.length - 1] };
}

function cpuSince(start, wallStart) {
  const used = process.cpuUsage(start);
  const wall = performance.now() - wallStart;
  return { cpu_s: (used.user + used.system) / 1e6, wall_s: wall / 1000, share: (used.user + used.system) / 1000 / wall };
}

// ---- the clients -----------------------------------------------------------------------------

const inRoom = new Map(); // room → phones placed so far: each room's phones go round the workers
const phones = config.phones.map((p) => {
  const k = inRoom.get(p.room) || 0;
  inRoom.set(p.room, k + 1);
  return new Client("phone", p.token, p.room, k);
});
const screens = config.screen ? [new Client("screen", config.screen, null)] : [];
const consoles = (config.consoles || []).map((c, k) => new Client("console", c.token, c.room, k));
const organiser = config.organiser ? new Client("organiser", config.organiser, null) : null;
const everyone = [...screens, ...consoles, ...(organiser ? [organiser] : []), ...phones];

const connectStart = performance.now();
await connectAll(everyone);
const connectSeconds = (performance.now() - connectStart) / 1000;
say({ phase: "connected", clients: everyone.length, seconds: connectSeconds });

// ---- scenario: cards (A, and each step of D) --------------------------------------------------

const phonesOf = new Map(); // room → number of phones
for (const phone of phones) phonesOf.set(phone.room, (phonesOf.get(phone.room) || 0) + 1);
const consolesOf = new Map();
for (const c of consoles) consolesOf.set(c.room, (consolesOf.get(c.room) || 0) + 1);
// room + " " + worker → phones, screens and consoles of that room on that worker (the readers a card
// posted there has on that worker; the screen reads every room).
const readersOn = new Map();
for (const c of [...phones, ...consoles]) readersOn.set(c.room + " " + c.worker, (readersOn.get(c.room + " " + c.worker) || 0) + 1);
const screensOn = new Map();
for (const c of screens) screensOn.set(c.worker, (screensOn.get(c.worker) || 0) + 1);

let cardCount = 0;
const sentAt = []; // card number → time sent
const authorOf = []; // card number → phone index
const ackedAt = []; // card number → time acknowledged, or undefined
const reached = []; // card number → receptions by clients other than the author
const reachedOther = []; // card number → receptions by clients on another worker than the author's
const authorGot = []; // card number → the author received it
let lat = null; // the current step's latencies per kind
let phoneFrames = 0; // messages carrying cards that phones received in the current step

for (const [index, phone] of phones.entries()) {
  phone.onEvent = (text) => {
    const now = performance.now();
    let carried = false;
    for (const m of text.matchAll(CLIENT_ID)) {
      carried = true;
      const n = Number(m[1]);
      if (authorOf[n] === index) {
        if (authorGot[n]) continue; // the public version after the author's own
        authorGot[n] = true;
      } else {
        reached[n] += 1;
        if (phone.worker !== phones[authorOf[n]].worker) {
          reachedOther[n] += 1;
          if (lat) lat.phone_other.push(now - sentAt[n]);
        } else if (lat) lat.phone_same.push(now - sentAt[n]);
      }
      if (lat) lat.phone.push(now - sentAt[n]);
    }
    if (carried && lat) phoneFrames += 1;
  };
}
for (const client of [...screens, ...consoles]) {
  client.onEvent = (text) => {
    const now = performance.now();
    for (const m of text.matchAll(CLIENT_ID)) {
      const n = Number(m[1]);
      reached[n] += 1;
      if (client.worker !== phones[authorOf[n]].worker) reachedOther[n] += 1;
      if (lat) lat[client.kind].push(now - sentAt[n]);
    }
  };
}

async function postCards(rate, seconds, drainMs) {
  lat = { ack: [], screen: [], console: [], phone: [], phone_same: [], phone_other: [] };
  phoneFrames = 0;
  const first = cardCount;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const start = performance.now();
  let sent = 0;
  let pick = first * 7919;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      const n = cardCount++;
      pick = (pick + 7919) % phones.length; // a prime stride: every phone in turn, rooms interleaved
      const phone = phones[pick];
      authorOf[n] = pick;
      reached[n] = 0;
      reachedOther[n] = 0;
      authorGot[n] = false;
      const clientId = "bench-" + String(n).padStart(8, "0");
      sentAt[n] = performance.now();
      phone
        .call("post_card", { client_id: clientId, board: "four_questions", column: "pourquoi", text: "carte " + n })
        .then((ack) => {
          if (ack.startsWith('[{"ok":true')) {
            ackedAt[n] = performance.now();
            lat.ack.push(ackedAt[n] - sentAt[n]);
          }
        });
      sent += 1;
    }
    await sleep(2);
  }
  const sendEnd = performance.now();
  const cpuSend = cpuSince(cpu0, wall0);
  // Drain: wait until every acknowledged card reached everyone, or drainMs passed.
  const expected = (n) => phonesOf.get(phones[authorOf[n]].room) - 1 + screens.length + (consolesOf.get(phones[authorOf[n]].room) || 0);
  // The readers of card n on the other workers than its author's.
  const expectedOther = (n) => {
    const author = phones[authorOf[n]];
    let count = 0;
    for (let w = 0; w < wsUrls.length; w++) {
      if (w !== author.worker) count += (readersOn.get(author.room + " " + w) || 0) + (screensOn.get(w) || 0);
    }
    return count;
  };
  const missing = () => {
    let lost = 0;
    for (let n = first; n < cardCount; n++) {
      if (ackedAt[n] === undefined) continue;
      lost += Math.max(0, expected(n) - reached[n]) + (authorGot[n] ? 0 : 1);
    }
    return lost;
  };
  const drainStart = performance.now();
  while (performance.now() - drainStart < drainMs && (missing() > 0 || lat.ack.length < sent)) await sleep(100);
  let acked = 0;
  let deliveries = 0;
  let otherDeliveries = 0;
  let lostOther = 0;
  for (let n = first; n < cardCount; n++) {
    if (ackedAt[n] === undefined) continue;
    acked += 1;
    deliveries += expected(n) + 1;
    otherDeliveries += expectedOther(n);
    lostOther += Math.max(0, expectedOther(n) - reachedOther[n]);
  }
  const lost = missing();
  const result = {
    rate,
    seconds,
    sent,
    acked,
    lost_deliveries: lost,
    expected_deliveries: deliveries,
    workers: wsUrls.length,
    other_worker_deliveries: otherDeliveries,
    lost_other_worker_deliveries: lostOther,
    deliveries_per_s: deliveries / ((sendEnd - start) / 1000),
    drain_s: (performance.now() - sendEnd) / 1000,
    ack_ms: summary(lat.ack),
    screen_ms: summary(lat.screen),
    console_ms: summary(lat.console),
    phone_ms: summary(lat.phone),
    phone_same_worker_ms: summary(lat.phone_same),
    phone_other_worker_ms: summary(lat.phone_other),
    cards_per_phone_message: lat.phone.length / Math.max(1, phoneFrames),
    generator_cpu: cpuSend,
    // When the generator's own 5 ms timer fired (ms): late, it would have delayed what it measured.
    generator_loop_delay_ms: {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
  };
  loopDelay.disable();
  lat = null;
  return result;
}

// ---- scenario: plenary vote (B) --------------------------------------------------------------

async function vote(seconds) {
  const opened = JSON.parse(await organiser.call("get_hypotheses", {}))[0];
  const hypothesisId = opened.hypotheses[0].id;
  const openAck = JSON.parse(await organiser.call("open_hypothesis", { hypothesis_id: hypothesisId }))[0];
  if (!openAck.ok) throw new Error("open_hypothesis refused: " + JSON.stringify(openAck));
  await sleep(1000); // hypotheses_changed reaches every phone
  const screenSeen = []; // [time, total]
  screens[0].onEvent = (text) => {
    if (!text.startsWith('42["hypothesis_results"')) return;
    const [, payload] = JSON.parse(text.slice(2));
    if (payload.hypothesis_id === hypothesisId) screenSeen.push([performance.now(), payload.results.total]);
  };
  const phoneSeen = new Array(phones.length).fill(null);
  for (const [index, phone] of phones.entries()) {
    phone.onEvent = (text) => {
      if (!text.startsWith('42["hypotheses_changed"')) return;
      const [, payload] = JSON.parse(text.slice(2));
      const h = payload.hypotheses.find((x) => x.id === hypothesisId);
      if (h && h.results && phoneSeen[index] === null) phoneSeen[index] = [performance.now(), h.results.total];
    };
  }
  const verdicts = ["validee", "infirmee", "a_nuancer"];
  const acks = [];
  let lastAck = 0;
  let refused = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const start = performance.now();
  const pending = [];
  for (const [index, phone] of phones.entries()) {
    const at = start + (index / phones.length) * seconds * 1000;
    while (performance.now() < at) await sleep(Math.max(0, Math.min(5, at - performance.now())));
    const sent = performance.now();
    pending.push(
      phone
        .call("vote_hypothesis", { hypothesis_id: hypothesisId, verdict: verdicts[index % 3], reason: "" })
        .then((ack) => {
          const now = performance.now();
          if (ack.startsWith('[{"ok":true')) acks.push(now - sent);
          else refused += 1;
          lastAck = Math.max(lastAck, now);
        }),
    );
  }
  await Promise.all(pending);
  const cpuVote = cpuSince(cpu0, wall0);
  // The screen's live tally, then the organiser closes the vote: phones see the results.
  await sleep(1500);
  const dbTotal = JSON.parse(await organiser.call("get_hypotheses", {}))[0].hypotheses.find((h) => h.id === hypothesisId)
    .results.total;
  const screenRight = screenSeen.find(([, total]) => total === dbTotal);
  const closeSent = performance.now();
  await organiser.call("close_hypothesis", { hypothesis_id: hypothesisId });
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline && phoneSeen.some((x) => x === null)) await sleep(50);
  const phoneDelays = phoneSeen.filter((x) => x && x[1] === dbTotal).map(([t]) => t - closeSent);
  return {
    votes: phones.length,
    seconds,
    acked: acks.length,
    refused,
    db_total: dbTotal,
    vote_ack_ms: summary(acks),
    screen_updates: screenSeen.length,
    screen_final_after_last_ack_ms: screenRight ? screenRight[0] - lastAck : null,
    phones_with_final_tally: phoneDelays.length,
    phone_tally_after_close_ms: summary(phoneDelays),
    generator_cpu: cpuVote,
  };
}

// ---- scenario: idle capacity (C) -------------------------------------------------------------

async function idle(seconds) {
  const lines = createInterface({ input: process.stdin });
  await new Promise((resolve) => lines.once("line", resolve)); // the caller has read the memory
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(seconds * 1000);
  const closed = everyone.filter((c) => c.closed).length;
  return { connected: everyone.length, idle_s: seconds, disconnected: closed, generator_cpu: cpuSince(cpu0, wall0) };
}

// ---- run -------------------------------------------------------------------------------------

await sleep(config.settle_ms ?? 2000);
let result;
if (config.scenario === "cards") {
  result = { steps: [] };
  for (const rate of config.rates) {
    const step = await postCards(rate, config.seconds, config.drain_ms ?? 15000);
    result.steps.push(step);
    say({ phase: "step", ...step });
    if (config.stop_p99_ms && (step.phone_ms.p99 === null || step.phone_ms.p99 > config.stop_p99_ms)) break;
    await sleep(1000);
  }
} else if (config.scenario === "vote") {
  result = await vote(config.seconds);
} else if (config.scenario === "idle") {
  result = await idle(config.seconds);
} else {
  throw new Error("unknown scenario " + config.scenario);
}
result.connect_s = connectSeconds;
result.disconnected = everyone.filter((c) => c.closed).length;
say({ phase: "result", ...result });
for (const client of everyone) client.ws.terminate();
process.exit(0);
