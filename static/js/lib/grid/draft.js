// A participant's self-diagnosis as this browser holds it: kept in localStorage as it is typed
// (one key per event and participant), so a reload or an offline spell loses nothing, and marked
// "unsent" until the server has acknowledged the very version it holds.

/** Return an empty diagnosis. */
function empty() {
  return { situation: "", answers: {}, unsent: false, version: 0 };
}

export class Draft {
  /** `key`: the localStorage key; `saved`: the server's copy ({situation, answers}) or null. */
  constructor(key, saved) {
    this.key = key;
    const kept = this._load();
    // Unsent changes made here win; otherwise the server's copy, which another device may have changed.
    if (kept && kept.unsent) this.state = kept;
    else if (saved) this.state = { ...empty(), situation: saved.situation || "", answers: structuredClone(saved.answers || {}) };
    else this.state = kept || empty();
    this._save();
  }

  /** Take the server's copy ({situation, answers}) when nothing typed here waits to be sent; tell whether it did. */
  adopt(saved) {
    if (this.state.unsent) return false;
    const { version } = this.state;
    this.state = { ...empty(), version, situation: saved.situation || "", answers: structuredClone(saved.answers || {}) };
    this._save();
    return true;
  }

  /** Take what another tab of the same participant wrote; tell whether anything changed. */
  reload() {
    const kept = this._load();
    if (!kept || JSON.stringify(kept) === JSON.stringify(this.state)) return false;
    this.state = kept;
    return true;
  }

  /** Return the point's `{answer, note}` ({} when untouched). */
  point(id) {
    return this.state.answers[id] || {};
  }

  /** Name the situation. */
  setSituation(text) {
    this.state.situation = text;
    this._changed();
  }

  /** Set a point's answer ("oui", "en_partie", "non", "a_explorer") or its note. */
  setPoint(id, field, value) {
    this.state.answers[id] = { ...this.point(id), [field]: value };
    this._changed();
  }

  /** Return what the server takes: answered points of the grid only (a note waits for its answer). */
  payload(pointIds) {
    const answers = {};
    for (const [id, given] of Object.entries(this.state.answers)) {
      if (pointIds.has(id) && given.answer) answers[id] = { answer: given.answer, note: given.note || "" };
    }
    return { situation: this.state.situation, answers };
  }

  /** The server acknowledged the diagnosis as it was at `version`: sent, unless changed since. */
  acknowledged(version) {
    if (this.state.version === version) {
      this.state.unsent = false;
      this._save();
    }
  }

  get unsent() {
    return this.state.unsent;
  }

  get version() {
    return this.state.version;
  }

  _changed() {
    this.state.unsent = true;
    this.state.version += 1;
    this._save();
  }

  _load() {
    try {
      const raw = window.localStorage.getItem(this.key);
      return raw ? { ...empty(), ...JSON.parse(raw) } : null;
    } catch {
      return null; // storage refused or unreadable: start from the server's copy
    }
  }

  _save() {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // Storage refused (private mode, full): the page still sends what it holds.
    }
  }
}
