// Small DOM helpers: elements built from data, user text always inserted as text.
import { t } from "./i18n.js";

/** Return how a card names its author: their pseudonym, or "contribution retirée" once they erased themselves. */
export function authorName(author) {
  if (!author) return "";
  return author.erased ? t("contribution retirée") : author.pseudonym || "";
}

/** Return the data a page hands to its script in <script type="application/json" id="boot">. */
export function readBoot() {
  const node = document.getElementById("boot");
  return node ? JSON.parse(node.textContent) : {};
}

/**
 * Create an element: `attrs` become attributes (`class`, `data-*`, `aria-*`…; `true` for a
 * boolean attribute, `false`/null to leave it out); strings among `children` become text nodes.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Return a lookup from scale key to its French label, for the event's scales. */
export function scaleLabels(event) {
  const labels = new Map((event.scales || []).map((scale) => [scale.key, scale.label]));
  return (key) => labels.get(key) || key;
}

const HELD_PLACEHOLDER = {
  reveal: t("Carte en attente de révélation"),
  moderation: t("Carte en attente de validation"),
};
const HELD_STAFF_BADGE = { reveal: t("avant révélation"), moderation: t("à valider") };

/**
 * Render one card as an <article>: its text, then who wrote it and at which scale.
 * With `staff`, a hidden card is marked "masquée", a held one "à valider" / "avant révélation",
 * the duplicates merged into a card are listed, the card can take the keyboard focus, and
 * `tools(card, textId)` returns its controls (a Masquer/Rétablir button without it).
 * `pending` marks a post not yet acknowledged ("en attente"); `selfId` is the reader's participant id.
 * A held card that reached this reader without its words is drawn as a discreet placeholder.
 */
export function renderCard(
  card,
  { staff = false, scaleLabel = (key) => key, pending = false, selfId = null, tools = null } = {},
) {
  const textId = `card-${card.id ?? card.client_id}-text`;
  if (card.held && card.text === null && !pending) {
    return el(
      "article",
      { class: "card card--placeholder", "data-card-id": card.id },
      el("p", { class: "card__text", id: textId }, HELD_PLACEHOLDER[card.held] || HELD_PLACEHOLDER.moderation),
    );
  }
  const classes = ["card"];
  if (card.hidden) classes.push("card--hidden");
  if (pending) classes.push("card--pending");
  if (card.held) classes.push("card--held");
  if (card.pinned) classes.push("card--pinned");
  const author = card.author || {};
  // A duplicate hidden by the staff is not named to anyone else (even if the server sent it).
  const merged = (card.merged || []).filter((m) => staff || !m.hidden);
  const isSelf = (who) => selfId !== null && Boolean(who) && who.id === selfId;
  // On a participant's phone, my words merged into someone else's card: the card is mine too.
  const mineMerged = staff ? null : merged.find((m) => isSelf(m.author));
  // On a participant's phone, their own cards (and those still waiting) are signed "Vous".
  const own = pending || isSelf(author) || Boolean(mineMerged);
  // Who signs with "Vous" on my phone: the card's author when my words were merged into theirs, the other duplicates'.
  const withWhom = own
    ? [author, ...merged.map((m) => m.author)].filter((who) => who && who.id !== undefined && !isSelf(who))
    : merged.map((m) => m.author);
  if (own) classes.push("card--mine");
  const meta = el(
    "p",
    { class: "card__meta" },
    el(
      "span",
      { class: own ? "card__author card__author--self" : author.erased ? "card__author card__author--erased" : "card__author" },
      own ? t("Vous") : authorName(author),
    ),
    card.role ? el("span", { class: "card__role" }, card.role) : null,
    author.scale ? el("span", { class: "card__scale" }, scaleLabel(author.scale)) : null,
    merged.length && !staff
      ? el(
          "span",
          { class: "card__with" },
          t("avec {names}", { names: withWhom.map((who) => authorName(who) || "?").join(", ") }),
        )
      : null,
  );
  const badges = [];
  if (pending) badges.push(el("span", { class: "badge badge--pending" }, t("en attente")));
  if (card.pinned) badges.push(el("span", { class: "badge badge--pinned" }, t("épinglée")));
  if (staff && card.hidden) badges.push(el("span", { class: "badge badge--hidden" }, t("masquée")));
  // Only its author still sees a hidden card on a phone: they are told why the others no longer do.
  else if (card.hidden) badges.push(el("span", { class: "badge badge--hidden" }, t("masquée par l'animation")));
  if (mineMerged) badges.push(el("span", { class: "badge badge--merged" }, t("votre carte, fusionnée ici")));
  if (card.held && staff) badges.push(el("span", { class: "badge badge--held" }, HELD_STAFF_BADGE[card.held] || t("en attente")));
  else if (card.held) badges.push(el("span", { class: "badge badge--held" }, t("visible par vous et l'animation")));
  if (card.edited) badges.push(el("span", { class: "badge badge--edited" }, t("modifiée")));
  const article = el(
    "article",
    {
      class: classes.join(" "),
      "data-card-id": card.id ?? null,
      "data-client-id": card.client_id || null,
      // The console's shortcuts act on the focused card.
      tabindex: staff && !pending ? "0" : null,
      "aria-labelledby": staff && !pending ? textId : null,
    },
    badges.length ? el("p", { class: "card__badges" }, badges) : null,
    el("p", { class: "card__text", id: textId }, card.text),
    mineMerged && mineMerged.text !== card.text
      ? el("p", { class: "card__yours" }, t("Vous aviez écrit : « {text} »", { text: mineMerged.text }))
      : null,
    meta,
  );
  if (staff && merged.length) {
    article.append(
      el(
        "div",
        { class: "card__merged" },
        el("p", { class: "card__merged-title" }, t("Fusion de {n} cartes · doublons :", { n: merged.length + 1 })),
        el(
          "ul",
          {},
          merged.map((m) =>
            el(
              "li",
              {},
              el("span", { class: "card__merged-text" }, m.text),
              el("span", { class: "card__merged-author" }, authorName(m.author)),
              m.hidden ? el("span", { class: "badge badge--hidden" }, t("masquée")) : null,
            ),
          ),
        ),
      ),
    );
  }
  if (staff && !pending) {
    if (tools) {
      article.append(...tools(card, textId));
    } else {
      article.append(
        el(
          "button",
          {
            type: "button",
            class: card.hidden ? "button button--small card__action" : "button button--small button--quiet card__action",
            "data-action": card.hidden ? "restore" : "hide",
            "data-card-id": card.id,
            "aria-describedby": textId,
          },
          card.hidden ? t("Rétablir") : t("Masquer"),
        ),
      );
    }
  }
  return article;
}
