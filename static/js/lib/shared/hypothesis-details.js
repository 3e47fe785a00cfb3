// A hypothesis's results in detail, for the plenary screen and the organiser's console (phones do
// not load it): the bars by the voters' territorial scale and the cards cited as evidence.
import { el } from "./dom.js";
import { VERDICTS, votesText } from "./hypotheses.js";
import { t, tn } from "./i18n.js";

/**
 * Return the results by the voters' territorial scale: one stacked bar per scale (validée, infirmée,
 * à nuancer side by side, each as wide as its share of the scale's votes), with the scale's total.
 * `byScale`: [{scale, label, results: {validee, infirmee, a_nuancer, total}}], the event's scales in order.
 */
function renderScales(byScale) {
  if (!byScale.length) return null;
  const rows = byScale.map(({ scale, label, results }) => {
    const total = results.total || 0;
    const said = VERDICTS.map(({ key, label: verdict }) => t("{verdict} : {count}", { verdict, count: results[key] || 0 })).join(", ");
    const parts = VERDICTS.map(({ key }) => {
      const count = results[key] || 0;
      const part = el("span", { class: `hyp-scale__part hyp-scale__part--${key}`, "data-part": key, "data-count": String(count) }, count && (count * 100) / total >= 12 ? String(count) : "");
      part.style.setProperty("--share", `${total ? (count * 100) / total : 0}%`);
      return part;
    });
    return el(
      "li",
      { class: "hyp-scale", "data-scale": scale },
      el("span", { class: "hyp-scale__label", title: label }, label),
      el("span", { class: "hyp-scale__track", role: "img", "aria-label": `${label} : ${said}` }, parts),
      el("span", { class: "hyp-scale__total" }, votesText(total)),
    );
  });
  // A group, not a region: the organiser's list holds one per hypothesis.
  return el(
    "div",
    { class: "hyp-scales", role: "group", "aria-label": t("Résultats par échelle territoriale") },
    el("p", { class: "hyp-scales__title" }, t("Par échelle territoriale")),
    el("ul", { class: "hyp-scales__list" }, rows),
  );
}

/** Return the cards cited as evidence, the first `shown` of them and how many more. */
function renderCited(cards, shown) {
  if (!cards.length) return null;
  const more = cards.length - shown;
  return el(
    "section",
    { class: "hyp-cited", "aria-label": t("Cartes citées") },
    el("p", { class: "hyp-cited__title" }, tn("La carte citée", "Les {n} cartes citées", cards.length)),
    el(
      "ul",
      { class: "hyp-cited__list" },
      cards.slice(0, shown).map((card) => el("li", { class: "hyp-cited__card", "data-card-id": card.id }, el("span", { class: "hyp-evidence__room" }, card.room_name), " ", el("span", { class: "hyp-cited__text" }, card.text))),
    ),
    more > 0 ? el("p", { class: "hyp-cited__more" }, tn("et {n} autre", "et {n} autres", more)) : null,
  );
}


/** What renderResults draws the details with: `renderResults(h, { details: DETAILS })`. */
export const DETAILS = { scales: renderScales, cited: renderCited };
