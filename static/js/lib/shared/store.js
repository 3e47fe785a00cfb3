// One room's board as the server numbers it: apply changes in sequence, catch up with `sync`.
//
// The rules (docs/protocol.md): a change with seq = last + 1 is applied, seq <= last is a
// duplicate and ignored, seq > last + 1 means something was missed and the room is synced
// again. Changes that arrive while a sync is in flight wait for its acknowledgement.

const MAX_BUFFER = 2000;

export class RoomStore {
  /**
   * `staff`: a facilitator keeps hidden cards (marked hidden) instead of dropping them.
   * `onChange(store)`: after the cards changed. `onGap(store)`: a sync is needed.
   * `onState(state, store)`: the room's state (lock, activity, card modes…) is known or changed.
   * `selfId`: the participant reading (a phone): their own hidden cards stay, marked hidden, and
   * `onOwnHidden(card)` tells them when the staff hide one.
   */
  constructor(
    roomId,
    { staff = false, selfId = null, onChange = () => {}, onGap = () => {}, onState = () => {}, onOwnHidden = () => {} } = {},
  ) {
    this.roomId = roomId;
    this.staff = staff;
    this.selfId = selfId;
    this.onOwnHidden = onOwnHidden;
    this.seq = null; // the last seq applied; null until the first sync
    this.cards = new Map(); // card id → card
    this.state = null; // {locked, activity_state, reveal_mode, premoderation, current_phase_id, timer}
    this.onState = onState;

    // Every participant of the room with the protagonist they play (case study):
    // [{participant_id, pseudonym, scale, role}], role null when none.
    this.roles = [];
    // The room's open dot vote {id, dots, mine: {card id: my dots}}, or null when none is open.
    this.vote = null;
    this.needsSync = true;
    this.onChange = onChange;
    this.onGap = onGap;
    this._buffer = [];
    this._generation = 0;
    this._inFlight = 0; // generation of the sync in flight, 0 when none
  }

  /** Tell whether a sync has been sent and not yet answered. */
  get syncing() {
    return this._inFlight !== 0;
  }

  /** Take a numbered server→client event (`card_posted`, `card_hidden`, `card_restored`…). */
  apply(event, payload) {
    if (!payload || payload.room_id !== this.roomId || !Number.isInteger(payload.seq)) return;
    if (this.syncing || this.needsSync) {
      this._keep(event, payload);
      if (!this.syncing) this.onGap(this);
      return;
    }
    const before = this.state;
    if (this._applyOne(event, payload)) this.onChange(this);
    if (this.state !== before) this.onState(this.state, this);
    if (this.needsSync) this.onGap(this);
  }

  /** Start a sync: return its generation and the `since` to send. */
  beginSync() {
    this._generation += 1;
    this._inFlight = this._generation;
    return { generation: this._generation, since: this.seq };
  }

  /** Take the acknowledgement of the sync `generation`: a replay of changes, or a snapshot. */
  finishSync(generation, ack) {
    if (generation !== this._inFlight) return; // an older sync, overtaken by a newer one
    this._inFlight = 0;
    this.needsSync = false;
    const before = this.state;
    if (ack.snapshot) {
      const cards = ack.snapshot.cards || [];
      this.cards = new Map(cards.filter((card) => this._keeps(card)).map((card) => [card.id, card]));
      this.seq = ack.seq;
    } else {
      if (this.seq === null) this.seq = 0;
      for (const change of ack.changes || []) this._applyOne(change.event, change.payload);
      if (!this.needsSync && this.seq < ack.seq) this._gap(); // the replay did not reach ack.seq
    }
    // The state as of ack.seq; room_changed events kept meanwhile apply on top of it below.
    if (ack.state) this.state = ack.state;
    if (Array.isArray(ack.roles)) this.roles = ack.roles;

    // The open vote as of ack.seq, with this participant's own dots (changes do not carry them).
    if ("vote" in ack) this.vote = ack.vote ? { ...ack.vote, mine: { ...(ack.vote.mine || {}) } } : null;
    // What came in meanwhile, by the same rule: duplicates fall away, a gap asks again.
    const waiting = this._buffer;
    this._buffer = [];
    for (const [event, payload] of waiting) {
      if (this.needsSync) this._keep(event, payload);
      else this._applyOne(event, payload);
    }
    this.onChange(this);
    if (this.state !== before) this.onState(this.state, this);
    if (this.needsSync) this.onGap(this);
  }

  /** Forget the sync `generation` (no answer, or refused): the room still needs one. */
  failSync(generation) {
    if (generation !== this._inFlight) return;
    this._inFlight = 0;
    this.needsSync = true;
  }

  /** Return the cards of one column, pinned first, then newest first. */
  column(key) {
    return sortCards([...this.cards.values()].filter((card) => card.column === key));
  }

  /** Take this participant's dots per card id, as a place_dot / withdraw_dot acknowledgement tells them. */
  setMine(voteId, mine) {
    if (!this.vote || this.vote.id !== voteId) return;
    this.vote = { ...this.vote, mine: { ...mine } };
    this.onChange(this);
  }

  /** Return how many dots this participant has on a card in the open vote. */
  myDots(cardId) {
    return (this.vote && this.vote.mine[String(cardId)]) || 0;
  }

  /** Return how many dots this participant may still place, or null when no vote is open. */
  get dotsLeft() {
    if (!this.vote) return null;
    return this.vote.dots - Object.values(this.vote.mine).reduce((sum, n) => sum + n, 0);
  }

  /** Return whether a card with this client id has reached the board. */
  hasClientId(clientId) {
    for (const card of this.cards.values()) if (card.client_id === clientId) return true;
    return false;
  }

  // Apply one change by the sequence rule; return true when it changed the cards.
  _applyOne(event, payload) {
    if (payload.seq <= this.seq) return false; // already have it
    if (payload.seq > this.seq + 1) {
      this._keep(event, payload);
      this._gap();
      return false;
    }
    this.seq = payload.seq;
    return this._mutate(event, payload);
  }

  _gap() {
    this.needsSync = true;
  }

  // Keep a change for after the next sync. Only those arriving while a sync is in flight
  // are needed (the sync covers the rest), so a long wait may safely drop the oldest.
  _keep(event, payload) {
    this._buffer.push([event, payload]);
    if (this._buffer.length > MAX_BUFFER) this._buffer.splice(0, this._buffer.length - MAX_BUFFER);
  }

  _mutate(event, payload) {
    switch (event) {
      case "card_posted":
      case "card_restored":
        return this._put({ ...payload.card, hidden: false });
      case "card_updated":
        // Without `card`: a hidden card this client may not read changed; only its number counts.
        return payload.card ? this._put(payload.card) : false;
      case "card_hidden": {
        const card = this.cards.get(payload.card_id);
        if (!card) return false;
        if (this.staff) this.cards.set(card.id, { ...card, hidden: true });
        else if (this._own(card)) {
          this.cards.set(card.id, { ...card, hidden: true });
          this.onOwnHidden(card);
        } else this.cards.delete(card.id);
        return true;
      }
      case "card_deleted":
        return this.cards.delete(payload.card_id);
      case "cards_revealed":
      case "merge_undone":
        for (const card of payload.cards || []) this._put(card);
        return true;
      case "cards_merged":
        // Without `card`: the target is hidden from this client; its duplicates leave all the same.
        if (payload.card) this._put(payload.card);
        for (const id of payload.merged_ids || []) this.cards.delete(id);
        return true;
      case "room_changed":
        // onState runs too (see apply); the board redraws, as the phase and countdown show on it.
        this.state = payload.state;
        return true;
      case "roles_changed":
        this.roles = payload.roles || [];
        return true;
      case "vote_opened": {
        // A new vote: counts start again at 0.
        this.vote = { id: payload.vote.id, dots: payload.vote.dots, mine: {} };
        for (const [id, card] of this.cards) this.cards.set(id, { ...card, votes: 0 });
        return true;
      }
      case "votes_changed": {
        const card = this.cards.get(payload.card_id);
        if (card) this.cards.set(card.id, { ...card, votes: payload.votes });
        return Boolean(card);
      }
      case "vote_closed": {
        if (this.vote && this.vote.id === payload.vote_id) this.vote = null;
        return true;
      }
      default:
        return false; // a numbered change this page does not show: only its number counts
    }
  }

  // Set a card as the server sent it; a card hidden from this client leaves its board.
  _put(card) {
    if (!this._keeps(card)) this.cards.delete(card.id);
    else this.cards.set(card.id, card);
    return true;
  }

  // Tell whether a card was written by the participant reading.
  _own(card) {
    return this.selfId !== null && Boolean(card.author) && card.author.id === this.selfId;
  }

  // Tell whether this client keeps a card: the staff every one, a participant the visible ones and their own.
  _keeps(card) {
    return this.staff || !card.hidden || this._own(card);
  }
}

/** Return `cards` in board order: pinned ones first, then the newest first. */
export function sortCards(cards) {
  return [...cards].sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)) || b.id - a.id);
}

/**
 * Sync `store` over `call` (see socket.js): send `{room_id, since}` and apply the answer.
 * Resolves true when the room is up to date, false when the sync has to be tried again.
 */
export async function syncRoom(store, call, timeoutMs = 10000) {
  const { generation, since } = store.beginSync();
  try {
    const ack = await call("sync", { room_id: store.roomId, since }, timeoutMs);
    if (!ack || ack.ok !== true) {
      store.failSync(generation);
      console.warn("sync refused", store.roomId, ack && ack.error);
      return false;
    }
    store.finishSync(generation, ack);
    return !store.needsSync;
  } catch (err) {
    store.failSync(generation);
    return false;
  }
}
