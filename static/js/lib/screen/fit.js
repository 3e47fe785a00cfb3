// Fitting a column's cards to the projector: nothing cut mid-line, nothing out of its column.
// Each card's text is clamped to a few lines with an ellipsis (CSS line-clamp, `--lines`); a card
// still too tall for its column is clamped to fewer. The overview keeps the newest cards that fit
// whole and counts the others (fitList); the one-room mode pages through every card (pageList).

const CLAMPED = ".card__text, .ccard__text";

/** Clamp the texts of `item` to `lines` lines (null: the stylesheet's own clamp). */
function clampItem(item, lines) {
  for (const text of item.querySelectorAll(CLAMPED)) {
    if (lines === null) text.style.removeProperty("--lines");
    else text.style.setProperty("--lines", String(lines)); // through the CSSOM, which the CSP allows
  }
}

/** Clamp `item` to fewer lines, down to one, until it is at most `limit` pixels high. */
function shrinkToFit(item, limit) {
  const text = item.querySelector(CLAMPED);
  if (!text || item.offsetHeight <= limit) return;
  const lines = Number.parseInt(getComputedStyle(text).getPropertyValue("--lines"), 10) || 3;
  for (let n = lines - 1; n >= 1 && item.offsetHeight > limit; n -= 1) clampItem(item, n);
}

/** Show every item of `list` again, at the stylesheet's clamp, before measuring them. */
function reset(items) {
  for (const item of items) {
    item.classList.remove("cards__item--clipped", "cards__item--away");
    clampItem(item, null);
  }
}

/** The height a list's items may take: its own, without its bottom padding. */
function room(list) {
  return list.clientHeight - (Number.parseFloat(getComputedStyle(list).paddingBottom) || 0);
}

/**
 * Show the first items of `list` that fit whole, hide the others, and say how many in `more`
 * (`label(n)`). The first item always shows, clamped to fewer lines if it is too tall.
 */
export function fitList(list, more, label) {
  const items = [...list.children];
  reset(items);
  const limit = room(list);
  if (items.length) shrinkToFit(items[0], limit - items[0].offsetTop);
  // Read every position first (one layout), then hide: hidden items keep their place (visibility).
  const first = items.findIndex((item, index) => index > 0 && item.offsetTop + item.offsetHeight > limit);
  const clipped = first < 0 ? 0 : items.length - first;
  items.forEach((item, index) => item.classList.toggle("cards__item--clipped", first > 0 && index >= first));
  more.textContent = clipped ? label(clipped) : "";
  more.hidden = clipped === 0;
}

/**
 * Split the items of `list` into pages that fit its height, in order, and show page `tick` (modulo
 * their count). Return the number of pages (0 for an empty list). Every item is on some page: one
 * too tall alone is clamped to fewer lines.
 */
export function pageList(list, tick) {
  const items = [...list.children];
  reset(items);
  if (!items.length) return 0;
  const limit = room(list);
  const top = items[0].offsetTop;
  // Read every height at once (one layout), then clamp the rare card too tall alone.
  const tall = items.filter((item) => item.offsetHeight > limit - top);
  for (const item of tall) shrinkToFit(item, limit - top);
  const pages = [];
  let page = [];
  let pageTop = top;
  for (const item of items) {
    if (page.length && item.offsetTop + item.offsetHeight - pageTop + top > limit) {
      pages.push(page);
      page = [];
      pageTop = item.offsetTop;
    }
    page.push(item);
  }
  pages.push(page);
  const shown = new Set(pages[tick % pages.length]);
  for (const item of items) item.classList.toggle("cards__item--away", !shown.has(item));
  return pages.length;
}
