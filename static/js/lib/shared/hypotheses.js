// The plenary's hypotheses: their results drawn as bars (phone, console, screen), and the phone's
// vote — validée, infirmée or à nuancer, with an optional reason — while one is open.
import { el, readBoot } from "./dom.js";
import { errorText, failureText } from "./errors.js";
import { t, tn } from "./i18n.js";

export const VERDICTS = [
  { key: "validee", label: t("Validée") },
  { key: "infirmee", label: t("Infirmée") },
  { key: "a_nuancer", label: t("À nuancer") },
];
export const REASON_MAX = readBoot().limits.hypothesis_reason;
const LABEL = new Map(VERDICTS.map((v) => [v.key, v.label]));

/** Return "12 votes" / "1 vote" / "Aucun vote". */
export function votesText(total) {
  return total === 0 ? t("Aucun vote") : tn("{n} vote", "{n} votes", total);
}

/**
 * Return an element showing a hypothesis's results: its text, one horizontal bar per verdict
 * (count and share), the total, a few reasons and the conclusion, if any.
 * `size`: "screen" (the plenary screen, readable from the back of the room), "console" or "phone";
 * `heading`: the tag of the hypothesis's text (null: no text, when the page shows it already);
 * `reasons`: how many reasons to show at most; `evidence`: how many cited cards to show (0: none,
 * where the page lists them already); `details`: what draws the bars by the voters' territorial scale
 * and the cited cards (hypothesis-details.js: the screen and the console load it, phones do not).
 */
export function renderResults(hypothesis, { size = "screen", heading = "h2", reasons = 3, evidence = 0, details = null } = {}) {
  const results = hypothesis.results || { total: 0 };
  const total = results.total || 0;
  const bars = VERDICTS.map(({ key, label }) => {
    const count = results[key] || 0;
    const share = total ? Math.round((count * 100) / total) : 0;
    const fill = el("span", { class: "hyp-bar__fill" });
    // A CSS custom property set through the CSSOM, which the Content-Security-Policy allows.
    fill.style.setProperty("--share", `${share}%`);
    return el(
      "li",
      { class: `hyp-bar hyp-bar--${key}`, "data-verdict": key },
      el("span", { class: "hyp-bar__label" }, label),
      el("span", { class: "hyp-bar__track", "aria-hidden": "true" }, fill),
      el("span", { class: "hyp-bar__count" }, t("{count} · {share} %", { count, share })),
    );
  });
  const said = (hypothesis.reasons || []).slice(0, reasons);
  const main = [
    heading ? el(heading, { class: "hyp-results__text" }, hypothesis.text) : null,
    el("ul", { class: "hyp-bars", "aria-label": t("Résultats du vote") }, bars),
    el("p", { class: "hyp-results__total" }, votesText(total)),
    details ? details.scales(hypothesis.by_scale || []) : null,
  ];
  const conclusion = hypothesis.conclusion
    ? el("p", { class: "hyp-results__conclusion" }, el("strong", {}, t("Conclusion : ")), hypothesis.conclusion)
    : null;
  const side = [
    evidence && details ? details.cited(hypothesis.evidence || [], evidence) : null,
    said.length
      ? el(
          "ul",
          { class: "hyp-reasons", "aria-label": t("Raisons données") },
          said.map((r) =>
            el("li", { class: `hyp-reason hyp-reason--${r.verdict}` }, el("span", { class: "hyp-reason__verdict" }, LABEL.get(r.verdict) || r.verdict), el("q", { class: "hyp-reason__text" }, r.reason)),
          ),
        )
      : null,
  ];
  const attrs = { class: `hyp-results hyp-results--${size}`, "data-hypothesis-id": hypothesis.id, "data-state": hypothesis.state };
  // The plenary screen reads in two columns: the vote on the left, what the plenary made of it on the right.
  if (size === "screen") {
    return el("article", attrs, el("div", { class: "hyp-results__main" }, main), el("div", { class: "hyp-results__side" }, conclusion, side));
  }
  return el("article", attrs, main, side, conclusion);
}

/** Return why a call failed, in the page's language. */
export function failure(err) {
  return failureText(err);
}

/**
 * The phone's hypotheses, in `root` (a [data-hypotheses] section): the open one with its three
 * buttons and a reason, whatever the phase; the closed ones' results while no board is shown.
 * `call(name, payload, timeoutMs)` is the page's connection's call.
 */
export class PhoneHypotheses {
  constructor(root, { call, onShown = () => {} }) {
    this.root = root;
    this.call = call;
    this.onShown = onShown;
    this.list = [];
    this.mine = new Map(); // hypothesis id → {verdict, reason}: what this phone voted
    this.results = true; // the closed ones may show (no board on screen)
    this.voteNode = null;
    this.voteId = null;
    this.closedNode = el("div", { class: "hyp-closed" });
    root.replaceChildren(this.closedNode);
    root.addEventListener("click", (click) => this._clicked(click));
  }

  /** Ask the server for the hypotheses (after each connection); this phone's votes come with them. */
  async refresh() {
    try {
      const ack = await this.call("get_hypotheses", {}, 5000);
      if (!ack.ok) return;
      this.mine = new Map(ack.hypotheses.filter((h) => h.mine).map((h) => [h.id, h.mine]));
      this.take({ hypotheses: ack.hypotheses });
    } catch (err) {
      console.warn("get_hypotheses", err.message);
    }
  }

  /** Take the list `hypotheses_changed` carries (without this phone's votes, kept here). */
  take({ hypotheses }) {
    this.list = hypotheses || [];
    this.render();
  }

  /** Say whether the closed hypotheses' results may show (the page shows no board). */
  showResults(shown) {
    if (this.results === shown) return;
    this.results = shown;
    this.render();
  }

  get open() {
    return this.list.find((h) => h.state === "open") || null;
  }

  render() {
    const open = this.open;
    this._renderVote(open);
    const closed = this.results ? this.list.filter((h) => h.state === "closed") : [];
    // The latest closed first: the result that just came is on top.
    closed.sort((a, b) => String(b.closed_at || "").localeCompare(String(a.closed_at || "")));
    this.closedNode.replaceChildren(
      ...(closed.length ? [el("h2", { class: "hyp-closed__title" }, t("Résultats des hypothèses"))] : []),
      ...closed.map((h) => {
        const node = renderResults(h, { size: "phone", heading: "h3" });
        const mine = this.mine.get(h.id);
        node.append(el("p", { class: "hyp-mine" }, mine ? t("Votre vote : {verdict}", { verdict: LABEL.get(mine.verdict) }) : t("Vous n'avez pas voté.")));
        return node;
      }),
    );
    this.root.hidden = !open && closed.length === 0;
    this.onShown(!this.root.hidden);
  }

  _renderVote(open) {
    if (!open) {
      this.voteNode?.remove();
      this.voteNode = null;
      this.voteId = null;
      return;
    }
    if (this.voteId !== open.id) {
      this.voteNode?.remove();
      this.voteNode = this._buildVote(open);
      this.voteId = open.id;
      this.root.prepend(this.voteNode);
    }
    this.voteNode.querySelector("[data-hyp-text]").textContent = open.text;
    const mine = this.mine.get(open.id);
    for (const button of this.voteNode.querySelectorAll("[data-verdict]")) {
      button.setAttribute("aria-pressed", String(Boolean(mine && mine.verdict === button.dataset.verdict)));
    }
    this.voteNode.querySelector("[data-hyp-send-reason]").disabled = !mine;
  }

  _buildVote(open) {
    const evidence = open.evidence || [];
    return el(
      "section",
      { class: "hyp-vote", "aria-labelledby": "hyp-open-title", "data-hyp-vote": open.id },
      el("p", { class: "hyp-vote__kicker" }, t("Hypothèse soumise au vote")),
      el("h2", { class: "hyp-vote__text", id: "hyp-open-title", "data-hyp-text": "" }, open.text),
      evidence.length
        ? el(
            "details",
            { class: "hyp-evidence" },
            el("summary", {}, tn("La carte citée", "Les {n} cartes citées", evidence.length)),
            el("ul", {}, evidence.map((card) => el("li", {}, el("span", { class: "hyp-evidence__room" }, card.room_name), " ", card.text))),
          )
        : null,
      el(
        "div",
        { class: "hyp-verdicts", role: "group", "aria-label": t("Votre avis sur l'hypothèse") },
        VERDICTS.map(({ key, label }) =>
          el("button", { type: "button", class: `button hyp-verdict hyp-verdict--${key}`, "data-verdict": key, "aria-pressed": "false" }, label),
        ),
      ),
      el("label", { class: "hyp-vote__label", for: "hyp-reason" }, t("Pourquoi ? (facultatif)")),
      el("textarea", { class: "input hyp-vote__reason", id: "hyp-reason", rows: "2", maxlength: String(REASON_MAX) }),
      el("button", { type: "button", class: "button button--small", "data-hyp-send-reason": "" }, t("Envoyer ma raison")),
      el("p", { class: "hyp-vote__status", role: "status", "aria-live": "polite", "data-hyp-status": "" }),
    );
  }

  async _clicked(click) {
    const button = click.target.closest("button");
    if (!button || !this.voteNode || !this.voteNode.contains(button) || button.disabled) return;
    const open = this.open;
    if (!open) return;
    const mine = this.mine.get(open.id);
    const verdict = button.dataset.verdict || (mine && mine.verdict);
    if (!verdict) return;
    const reason = this.voteNode.querySelector("#hyp-reason").value.trim();
    const status = this.voteNode.querySelector("[data-hyp-status]");
    button.disabled = true;
    try {
      const ack = await this.call("vote_hypothesis", { hypothesis_id: open.id, verdict, reason }, 5000);
      if (!ack.ok) {
        status.textContent =
          ack.error && ack.error.code === "conflict"
            ? t("Le vote sur cette hypothèse est clos.")
            : t("Vote non pris en compte : {why}.", { why: errorText(ack.error) });
        return;
      }
      this.mine.set(open.id, ack.hypothesis.mine);
      status.textContent = ack.hypothesis.mine.reason
        ? t("Vote enregistré : {verdict}, avec votre raison. Vous pouvez le changer tant que le vote est ouvert.", { verdict: LABEL.get(verdict) })
        : t("Vote enregistré : {verdict}. Vous pouvez le changer tant que le vote est ouvert.", { verdict: LABEL.get(verdict) });
      this.render();
    } catch (err) {
      status.textContent = t("Vote non pris en compte : {why}.", { why: failure(err) });
    } finally {
      if (button.isConnected) button.disabled = button.hasAttribute("data-hyp-send-reason") && !this.mine.get(open.id);
    }
  }
}
