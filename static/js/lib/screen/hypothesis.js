// The screen's hypothesis: the one the organiser shows, with its live result bars (lib/shared/hypotheses.js).
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { renderResults } from "../shared/hypotheses.js";
import { DETAILS } from "../shared/hypothesis-details.js";

export class HypothesisView {
  constructor(root, { call }) {
    this.root = root;
    this.call = call;
    this.body = root.querySelector("[data-hypothesis-body]");
    this.position = root.querySelector("[data-hypothesis-position]");
    this.hypotheses = []; // the open and closed ones, in the plenary's order
    this.hypothesisId = null;
    this.count = 0; // every hypothesis of the event, drafts too: "2 / 4" counts them all
  }

  show(hypothesisId) {
    this.hypothesisId = hypothesisId;
    this.root.hidden = false;
    this.render();
  }

  hide() {
    this.root.hidden = true;
  }

  /** Ask for the hypotheses (after each connection). */
  async refresh() {
    try {
      const ack = await this.call("get_hypotheses", {}, 10000);
      if (ack && ack.ok) this.take(ack.hypotheses, ack.count);
    } catch {
      // The next connection asks again.
    }
  }

  /** Take the open and closed hypotheses (`get_hypotheses`, `hypotheses_changed`). */
  take(hypotheses, count) {
    this.hypotheses = hypotheses || [];
    if (Number.isInteger(count)) this.count = count;
    if (!this.root.hidden) this.render();
  }

  /** Take one hypothesis's new counts and reasons (`hypothesis_results`). */
  results({ hypothesis_id: id, results, by_scale: byScale, reasons }) {
    const found = this.hypotheses.find((h) => h.id === id);
    if (!found) return;
    Object.assign(found, { results, by_scale: byScale, reasons });
    if (!this.root.hidden && id === this.hypothesisId) this.render();
  }

  render() {
    const shown = this.hypotheses.find((h) => h.id === this.hypothesisId);
    // Its place among all the event's hypotheses, in the plenary's order (drafts are counted, not shown).
    const where = shown && { position: shown.position + 1, count: Math.max(this.count, shown.position + 1, this.hypotheses.length) };
    this.position.textContent = shown ? shown.state === "open"
        ? t("{position} / {count} · vote ouvert", where)
        : t("{position} / {count} · vote clos", where)
       : "";
    this.body.replaceChildren(shown ? renderResults(shown, { size: "screen", heading: "p", reasons: 2, evidence: 2, details: DETAILS }) : el("p", { class: "hypothesis-screen__none" }, t("Hypothèse en préparation.")));
  }
}
