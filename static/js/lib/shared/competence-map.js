// The event's competence map (get_competence_map), for the console and the plenary screen:
// the totals, offered against needed per type, the needs nobody offers, the strongest matches.
import { authorName, el } from "./dom.js";
import { t, tn } from "./i18n.js";
import { competenceColumns, failure, Refresher, skillLabels, whyLine } from "./competences.js";

/** Return "3 offres, 2 besoins, 4 correspondances": a map's totals in one line. */
export function totalsLine(totals = {}) {
  return [
    tn("{n} offre", "{n} offres", totals.offers || 0),
    tn("{n} besoin", "{n} besoins", totals.needs || 0),
    tn("{n} correspondance", "{n} correspondances", totals.matches || 0),
  ].join(", ");
}

/** Return an SVG bar `value / max` wide; the count is said beside it in text. */
function bar(value, max, kind) {
  const width = max > 0 ? Math.max(value > 0 ? 1.5 : 0, (100 * value) / max) : 0;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", `cmap__svg cmap__svg--${kind}`);
  svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const track = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  track.setAttribute("class", "cmap__track");
  track.setAttribute("width", "100");
  track.setAttribute("height", "10");
  const fill = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  fill.setAttribute("class", "cmap__fill");
  fill.setAttribute("width", width.toFixed(2));
  fill.setAttribute("height", "10");
  svg.append(track, fill);
  return svg;
}

function who(card) {
  return [authorName(card.author), card.room_name].filter(Boolean).join(" · ");
}

export class CompetenceMap {
  /**
   * Draw the map into `root` (an element the page placed, with its own heading).
   * `call`: the connection's acknowledged call; `event`: the boot event (skill labels);
   * `gapsShown`, `topShown`: how many needs without offer and matches to list (the screen has less room);
   * `onRender(map)`: after each drawing (a page may sum it up elsewhere).
   * `live`: announce its status to a screen reader (not on the projector, which nobody listens to).
   */
  constructor(root, { call, event, gapsShown = 12, topShown = 10, onRender = () => {}, live = true }) {
    this.root = root;
    this.call = call;
    this.labels = skillLabels(event);
    this.limits = { gaps: gapsShown, top: topShown };
    this.data = null;
    this.onRender = onRender;
    this.visible = false;
    this.refresher = new Refresher(() => this._load());
    root.classList.add("cmap");
    this.status = el("p", { class: "cmap__status", role: live ? "status" : null, "aria-live": live ? "polite" : null }, t("Chargement de la carte des compétences…"));
    this.totals = el("dl", { class: "cmap__totals" });
    this.types = el("ul", { class: "cmap__types" });
    this.gaps = el("ul", { class: "cmap__list cmap__list--gaps" });
    this.gapsMore = el("p", { class: "cmap__more", hidden: true });
    this.gapsEmpty = el("p", { class: "cmap__empty" }, t("Chaque besoin trouve au moins une offre."));
    this.top = el("ol", { class: "cmap__list cmap__list--top" });
    this.topEmpty = el("p", { class: "cmap__empty" }, t("Aucune correspondance pour l'instant."));
    const id = (name) => `${root.id || "cmap"}-${name}`;
    const block = (name, title, ...children) =>
      el(
        "section",
        { class: `cmap__block cmap__block--${name}`, "aria-labelledby": id(name) },
        el("h3", { class: "cmap__title", id: id(name) }, title),
        ...children,
      );
    const columns = competenceColumns(event); // the legend names the board's own columns
    root.replaceChildren(
      this.status,
      this.totals,
      el(
        "div",
        { class: "cmap__grid" },
        block(
          "types",
          t("Offres et besoins par type"),
          el(
            "p",
            { class: "cmap__legend", "aria-hidden": "true" },
            el("span", { class: "cmap__key cmap__key--offer" }, columns.offer),
            el("span", { class: "cmap__key cmap__key--need" }, columns.need),
          ),
          this.types,
        ),
        block("gaps", t("Besoins sans offre"), this.gapsEmpty, this.gaps, this.gapsMore),
        block("top", t("Les correspondances les plus fortes"), this.topEmpty, this.top),
      ),
    );
  }

  /** Show the map (and load it) or hide it; hidden, it stops asking. */
  show(visible) {
    const was = this.visible;
    this.visible = Boolean(visible);
    this.root.hidden = !this.visible;
    if (this.visible && !was) this.refresh();
    if (!this.visible) this.refresher.cancel();
  }

  /** Ask now (on show, on connect). */
  refresh() {
    if (this.visible) this.refresher.now();
  }

  /** Ask after a random short wait (on `competences_changed`). */
  refreshSoon() {
    if (this.visible) this.refresher.soon();
  }

  async _load() {
    let ack;
    try {
      ack = await this.call("get_competence_map", {}, 10000);
    } catch (err) {
      if (!this.data) this.status.textContent = t("La carte n'a pas pu être chargée : {why}.", { why: failure(err) });
      return;
    }
    if (!ack || !ack.ok) {
      this.status.textContent = t("La carte n'a pas pu être chargée : {why}.", { why: failure(ack && ack.error) });
      return;
    }
    this.render(ack);
  }

  /** Draw a `get_competence_map` acknowledgement. */
  render(map) {
    this.data = map;
    const totals = map.totals || {};
    this.status.textContent = "";
    this.status.hidden = true;
    const figure = (key, label) =>
      el(
        "div",
        { class: `cmap__total cmap__total--${key}`, "data-total": key },
        el("dt", {}, label(totals[key] || 0)),
        el("dd", {}, String(totals[key] || 0)),
      );
    this.totals.replaceChildren(
      figure("offers", (n) => tn("Offre", "Offres", n)),
      figure("needs", (n) => tn("Besoin", "Besoins", n)),
      figure("matches", (n) => tn("Correspondance", "Correspondances", n)),
      figure("gaps", (n) => tn("Besoin sans offre", "Besoins sans offre", n)),
    );

    const types = map.types || [];
    const max = Math.max(1, ...types.map((type) => Math.max(type.offers || 0, type.needs || 0)));
    this.types.replaceChildren(
      ...types.map((type) =>
        el(
          "li",
          { class: "cmap__type", "data-type": type.type },
          el("p", { class: "cmap__typelabel" }, type.label || this.labels.type(type.type)),
          el(
            "p",
            { class: "cmap__bar cmap__bar--offer" },
            bar(type.offers || 0, max, "offer"),
            el("span", { class: "cmap__count" }, tn("{n} offre", "{n} offres", type.offers || 0)),
          ),
          el(
            "p",
            { class: "cmap__bar cmap__bar--need" },
            bar(type.needs || 0, max, "need"),
            el("span", { class: "cmap__count" }, tn("{n} besoin", "{n} besoins", type.needs || 0)),
          ),
        ),
      ),
    );

    const gaps = map.gaps || [];
    this.gaps.replaceChildren(
      ...gaps.slice(0, this.limits.gaps).map((card) =>
        el(
          "li",
          { class: "cmap__gap" },
          el("p", { class: "cmap__text" }, card.text),
          el("p", { class: "cmap__meta" }, [card.skill ? this.labels.type(card.skill.type) : null, who(card)].filter(Boolean).join(" · ")),
        ),
      ),
    );
    const hidden = gaps.length - Math.min(gaps.length, this.limits.gaps);
    this.gapsMore.textContent = hidden ? tn("+ {n} autre besoin", "+ {n} autres besoins", hidden) : "";
    this.gapsMore.hidden = hidden === 0;
    this.gapsEmpty.textContent = totals.needs > 0 ? t("Chaque besoin trouve au moins une offre.") : t("Aucun besoin exprimé pour l'instant.");
    this.gapsEmpty.hidden = gaps.length > 0;

    const top = (map.top || []).slice(0, this.limits.top);
    this.top.replaceChildren(
      ...top.map((match) =>
        el(
          "li",
          { class: "cmap__match" },
          el(
            "div",
            { class: "cmap__pair" },
            el("p", { class: "cmap__side cmap__side--offer" }, el("span", { class: "cmap__sidelabel" }, t("Offre")), el("span", { class: "cmap__text" }, match.offer.text), el("span", { class: "cmap__meta" }, who(match.offer))),
            el("p", { class: "cmap__side cmap__side--need" }, el("span", { class: "cmap__sidelabel" }, t("Besoin")), el("span", { class: "cmap__text" }, match.need.text), el("span", { class: "cmap__meta" }, who(match.need))),
          ),
          el("p", { class: "cmap__why" }, whyLine(match, this.labels)),
        ),
      ),
    );
    this.topEmpty.hidden = top.length > 0;
    this.onRender(map);
  }
}
