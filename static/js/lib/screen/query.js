// A screen mode drawn from one server question (the combined board, the word cloud): asked when
// shown, asked again a moment after cards change, and only the latest answer drawn.

export class QueryView {
  /**
   * `root`: the mode's container; `call`: the connection's call; `name`: the event to ask;
   * `settleMs`: how long cards must stay still before asking again (a burst brings one request).
   * Subclasses set `this.board` and draw the acknowledgement in `render(ack)`.
   */
  constructor(root, { call, name, settleMs }) {
    this.root = root;
    this.call = call;
    this.name = name;
    this.settleMs = settleMs;
    this.board = null;
    this.timer = null;
    this.asking = 0;
  }

  hide() {
    this.root.hidden = true;
    clearTimeout(this.timer);
  }

  /** Cards changed somewhere: ask again once they settle. */
  changed() {
    if (this.root.hidden) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), this.settleMs);
  }

  async refresh() {
    if (this.root.hidden) return;
    const asked = ++this.asking;
    let ack;
    try {
      ack = await this.call(this.name, { board: this.board }, 10000);
    } catch {
      return; // the next change or connection asks again
    }
    if (asked !== this.asking || !ack || !ack.ok) return;
    this.render(ack);
  }
}
