// Small DOM helpers: elements built from data, user text always inserted as text.

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

/**
 * Render one card as an <article>: its text, then who wrote it and at which scale.
 * With `staff`, a hidden card is marked "masquée" and the card gets a Masquer/Rétablir button;
 * `pending` marks a post not yet acknowledged ("en attente"); `selfId` is the reader's participant id.
 */
export function renderCard(card, { staff = false, scaleLabel = (key) => key, pending = false, selfId = null } = {}) {
  const textId = `card-${card.id ?? card.client_id}-text`;
  const classes = ["card"];
  if (card.hidden) classes.push("card--hidden");
  if (pending) classes.push("card--pending");
  const author = card.author || {};
  // On a participant's phone, their own cards (and those still waiting) are signed "Vous".
  const own = pending || (selfId !== null && author.id === selfId);
  const meta = el(
    "p",
    { class: "card__meta" },
    el("span", { class: own ? "card__author card__author--self" : "card__author" }, own ? "Vous" : author.pseudonym || ""),
    author.scale ? el("span", { class: "card__scale" }, scaleLabel(author.scale)) : null,
  );
  const badges = [];
  if (pending) badges.push(el("span", { class: "badge badge--pending" }, "en attente"));
  if (staff && card.hidden) badges.push(el("span", { class: "badge badge--hidden" }, "masquée"));
  const article = el(
    "article",
    { class: classes.join(" "), "data-card-id": card.id ?? null, "data-client-id": card.client_id || null },
    badges.length ? el("p", { class: "card__badges" }, badges) : null,
    el("p", { class: "card__text", id: textId }, card.text),
    meta,
  );
  if (staff && !pending) {
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
        card.hidden ? "Rétablir" : "Masquer",
      ),
    );
  }
  return article;
}

/** Return "1 participant connecté" / "3 participants connectés" style French plurals. */
export function plural(count, one, many) {
  return count > 1 ? many : one;
}
