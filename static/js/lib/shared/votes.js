// Dot votes on a board: each card's count, a phone's dot buttons, and the sort by votes.
import { el } from "./dom.js";
import { t, tn } from "./i18n.js";

/** Return "1 point" / "3 points" (French: 0 and 1 are singular). */
export function pointsLabel(count) {
  return tn("{n} point", "{n} points", count);
}

/** Return cards pinned first, then most dots first, then newest first. */
export function byVotes(cards) {
  return [...cards].sort(
    (a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)) || (b.votes || 0) - (a.votes || 0) || b.id - a.id,
  );
}

/**
 * Return a BoardView `decorate` option showing each card's dots under its text; with `phone`,
 * "Ajouter un point" / "Retirer un point" buttons while the vote of `store()` is open.
 */
export function voteDecoration(store, { phone = false } = {}) {
  return (card, pending) => {
    const room = store();
    if (pending || !room || card.hidden) return null;
    const votes = card.votes || 0;
    const open = Boolean(room.vote);
    if (!open && votes === 0) return null;
    const canDot = phone && open && !card.held;
    const mine = phone ? room.myDots(card.id) : 0;
    const left = phone ? room.dotsLeft : 0;
    return {
      key: ["votes", votes, open, mine, canDot && left > 0],
      render(article) {
        const textId = article.querySelector(".card__text").id;
        const line = el(
          "div",
          { class: "card__votes" },
          el(
            "p",
            { class: "card__count", "data-votes": votes },
            pointsLabel(votes),
            mine ? el("span", { class: "card__mine" }, " · " + t("dont {n} de vous", { n: mine })) : null,
          ),
        );
        if (canDot) {
          const button = (action, label, disabled) =>
            el(
              "button",
              {
                type: "button",
                class: "button button--small card__dot",
                "data-dot": action,
                "data-card-id": card.id,
                "aria-describedby": textId,
                disabled,
              },
              label,
            );
          line.append(button("place", t("Ajouter un point"), left <= 0), button("withdraw", t("Retirer un point"), mine === 0));
        }
        article.append(line);
      },
    };
  };
}

/** Make a toggle button ("Trier par votes", "Synthèses"; aria-pressed) call `onToggle(pressed)`. */
export function pressToggle(button, onToggle) {
  if (!button) return;
  button.addEventListener("click", () => {
    const pressed = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(pressed));
    onToggle(pressed);
  });
}

/** Return what a phone says of the open vote: "Il vous reste 2 points sur 3", or "" with none. */
export function dotsLeftText(room) {
  if (!room.vote) return "";
  const left = room.dotsLeft;
  if (left <= 0) return t("Vous avez placé vos {points}. Retirez-en un pour changer d'avis.", { points: pointsLabel(room.vote.dots) });
  return t("Il vous reste {points} sur {total}.", { points: pointsLabel(left), total: room.vote.dots });
}
