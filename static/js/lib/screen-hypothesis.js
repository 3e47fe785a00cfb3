// The screen's hypothesis: the hypothesis put to the vote, with its live results.
export class HypothesisView {
  constructor(root) {
    this.root = root;
    this.text = root.querySelector("[data-hypothesis-text]");
    this.hypothesisId = null;
  }

  show(hypothesisId) {
    this.hypothesisId = hypothesisId;
    this.root.hidden = false;
  }

  hide() {
    this.root.hidden = true;
  }
}
