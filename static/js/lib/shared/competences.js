// Atelier 3's competence cards: the phone's extra compose fields (type, scope, keywords), the
// tags a competence card shows, and the jittered refresh the matches and the map share.
import { errorText, failureText } from "./errors.js";
import { t, tn } from "./i18n.js";
import { el, readBoot } from "./dom.js";

export const KEYWORDS_MAX = readBoot().limits.keywords;
export const KEYWORD_CHARS = readBoot().limits.keyword_chars;
// After a `competences_changed`, every client waits this long (at random) before asking again.
const JITTER_MS = [500, 2500];

const MESSAGES = {
  type: t("Choisissez le type de compétence : savoirs, savoir-faire, savoir-être ou méthodes."),
  scope: t("Dites si cette compétence est individuelle ou collective."),
  tooMany: t("{max} mots-clés au plus, séparés par des virgules.", { max: KEYWORDS_MAX }),
  tooLong: (word) =>
    t("Un mot-clé compte {max} caractères au plus : « {word}… » est trop long.", { max: KEYWORD_CHARS, word: word.slice(0, 20) }),
};

/** Tell whether a board is atelier 3's competences board. */
export function isCompetenceBoard(board) {
  return Boolean(board && board.kind === "competences");
}

/**
 * Return the event's own names of the offer and need columns (its competences board's labels,
 * "J'apporte" and "Il me manque" in the seed), to say where to write.
 */
export function competenceColumns(event) {
  const board = (event.boards || []).find(isCompetenceBoard);
  const label = (key, fallback) => ((board && board.columns.find((c) => c.key === key)) || { label: fallback }).label;
  return { offer: label("offre", t("Offres")), need: label("besoin", t("Besoins")) };
}

/** Return lookups from skill type and scope keys to their French labels, for the event's lists. */
export function skillLabels(event) {
  const types = new Map((event.skill_types || []).map((type) => [type.key, type.label]));
  const scopes = new Map((event.skill_scopes || []).map((scope) => [scope.key, scope.label]));
  return { type: (key) => types.get(key) || key, scope: (key) => scopes.get(key) || key };
}

/**
 * Read keywords typed as one comma-separated line: `{keywords}` (trimmed, duplicates dropped),
 * or `{error}` in French when there are more than 5 or one is longer than 40 characters.
 */
export function parseKeywords(line) {
  const keywords = [];
  const seen = new Set();
  for (const part of String(line || "").split(",")) {
    const word = part.replace(/\s+/g, " ").trim();
    if (!word || seen.has(word.toLocaleLowerCase("fr"))) continue;
    if (word.length > KEYWORD_CHARS) return { error: MESSAGES.tooLong(word) };
    seen.add(word.toLocaleLowerCase("fr"));
    keywords.push(word);
  }
  if (keywords.length > KEYWORDS_MAX) return { error: MESSAGES.tooMany };
  return { keywords };
}

/**
 * The compose form's extra fields on the competences board: the type, individual or
 * collective, and keywords. They are drawn here, inserted before `before` (a node of the form),
 * and hidden until `show(true)`.
 */
export class SkillFields {
  constructor(form, event, { before = null } = {}) {
    this.form = form;
    const option = (item) => el("option", { value: item.key }, item.label);
    this.type = el(
      "select",
      { class: "input skill-fields__select", id: "compose-skill-type", name: "skill_type", "aria-required": "true" },
      el("option", { value: "" }, t("Choisir…")),
      (event.skill_types || []).map(option),
    );
    this.scope = el(
      "select",
      { class: "input skill-fields__select", id: "compose-skill-scope", name: "skill_scope", "aria-required": "true" },
      el("option", { value: "" }, t("Choisir…")),
      (event.skill_scopes || []).map(option),
    );
    this.keywords = el("input", {
      class: "input skill-fields__keywords",
      id: "compose-skill-keywords",
      name: "skill_keywords",
      type: "text",
      maxlength: String(KEYWORDS_MAX * (KEYWORD_CHARS + 2)),
      autocomplete: "off",
      "aria-describedby": "compose-skill-keywords-help",
    });
    const field = (control, label, extra = null) =>
      el("div", { class: "skill-fields__field" }, el("label", { class: "skill-fields__label", for: control.id }, label), extra, control);
    this.root = el(
      "div",
      { class: "skill-fields", "data-skill-fields": "", hidden: true },
      field(this.type, t("Type de compétence")),
      field(this.scope, t("Individuel ou collectif")),
      el(
        "div",
        { class: "skill-fields__field skill-fields__field--wide" },
        el(
          "label",
          { class: "skill-fields__label", for: this.keywords.id },
          t("Mots-clés") + " ",
          el("span", { class: "skill-fields__help", id: "compose-skill-keywords-help" }, t("(facultatif, séparés par des virgules)")),
        ),
        this.keywords,
      ),
    );
    form.insertBefore(this.root, before && before.parentNode === form ? before : form.firstChild);
    for (const control of this.controls) control.addEventListener("input", () => control.removeAttribute("aria-invalid"));
  }

  get controls() {
    return [this.type, this.scope, this.keywords];
  }

  /** Tell whether the fields are shown (the competences board is on the phone). */
  get active() {
    return !this.root.hidden;
  }

  /** Show the fields (on the competences board) or hide them (every other board). */
  show(visible) {
    this.root.hidden = !visible;
    this.form.classList.toggle("compose--skills", Boolean(visible));
  }

  /** Disable the fields while the room takes no cards. */
  setDisabled(disabled) {
    for (const control of this.controls) control.disabled = Boolean(disabled);
  }

  /** Return `{skill: {type, scope, keywords}}`, or `{error, control}` to say and focus. */
  read() {
    for (const control of this.controls) control.removeAttribute("aria-invalid");
    const invalid = (control, error) => {
      control.setAttribute("aria-invalid", "true");
      return { error, control };
    };
    if (!this.type.value) return invalid(this.type, MESSAGES.type);
    if (!this.scope.value) return invalid(this.scope, MESSAGES.scope);
    const parsed = parseKeywords(this.keywords.value);
    if (parsed.error) return invalid(this.keywords, parsed.error);
    return { skill: { type: this.type.value, scope: this.scope.value, keywords: parsed.keywords } };
  }

  /** Empty the keywords after a post (the type and scope stay: people often write several alike). */
  clear() {
    this.keywords.value = "";
  }

  /** Put back what a refused post carried, so nothing typed is lost. */
  restore(skill) {
    if (!skill) return;
    this.type.value = skill.type || "";
    this.scope.value = skill.scope || "";
    this.keywords.value = (skill.keywords || []).join(", ");
  }
}

/** Return the tags of a competence (type, scope, keywords) as a list, or null without one. */
export function skillTags(skill, labels) {
  if (!skill) return null;
  return el(
    "ul",
    { class: "skill-tags", "aria-label": t("Compétence") },
    el("li", { class: "skill-tag skill-tag--type", "data-skill-type": skill.type }, labels.type(skill.type)),
    skill.scope ? el("li", { class: "skill-tag skill-tag--scope" }, labels.scope(skill.scope)) : null,
    (skill.keywords || []).map((word) => el("li", { class: "skill-tag skill-tag--keyword" }, word)),
  );
}

/** Return a BoardView `decorate` option showing a competence card's type, scope and keywords. */
export function skillDecoration(event) {
  const labels = skillLabels(event);
  return (card) => {
    if (!card.skill) return null;
    return {
      key: ["skill", card.skill.type, card.skill.scope, card.skill.keywords || []],
      render(article) {
        const text = article.querySelector(".card__text");
        if (text) text.after(skillTags(card.skill, labels));
      },
    };
  };
}

/** Return one BoardView `decorate` option drawing every one of `decorations` (nulls skipped). */
export function combineDecorations(...decorations) {
  const list = decorations.filter(Boolean);
  return (card, pending) => {
    const parts = list.map((decorate) => decorate(card, pending)).filter(Boolean);
    if (!parts.length) return null;
    return {
      key: parts.map((part) => part.key),
      render(article) {
        for (const part of parts) part.render(article);
      },
    };
  };
}

/** Return why two competence cards match, in French: "même type · mots-clés communs : vélo". */
export function whyLine(match, labels) {
  const reasons = [];
  if (match.same_type && match.offer && match.offer.skill) reasons.push(t("même type ({type})", { type: labels.type(match.offer.skill.type) }));
  const shared = match.shared_keywords || [];
  if (shared.length) reasons.push(tn("mot-clé commun : {words}", "mots-clés communs : {words}", shared.length, { words: shared.join(", ") }));
  if (!reasons.length) reasons.push(t("des mots proches"));
  return reasons.join(" · ");
}

/**
 * Ask again with `load()` (an async function), one call at a time: `now()` at once (a call
 * asked during another runs after it), `soon()` after a random 0.5–2.5 s, so that a change
 * does not bring every phone of the event to the server at the same moment.
 */
export class Refresher {
  constructor(load) {
    this.load = load;
    this._running = false;
    this._again = false;
    this._timer = null;
  }

  async now() {
    clearTimeout(this._timer);
    this._timer = null;
    if (this._running) {
      this._again = true;
      return;
    }
    this._running = true;
    try {
      await this.load();
    } catch (err) {
      console.warn("refresh failed", err);
    } finally {
      this._running = false;
      if (this._again) {
        this._again = false;
        this.now();
      }
    }
  }

  soon() {
    if (this._timer) return; // one wait already covers this change
    const [low, high] = JITTER_MS;
    this._timer = setTimeout(() => this.now(), low + Math.random() * (high - low));
  }

  /** Forget a planned refresh (the panel is no longer shown). */
  cancel() {
    clearTimeout(this._timer);
    this._timer = null;
  }
}

/** Return what went wrong with a call, in the page's language (its CallError reason or the server's refusal). */
export function failure(err) {
  if (err && err.code) return errorText(err); // an error acknowledgement
  return failureText(err);
}
