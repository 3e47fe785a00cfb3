// The "Séminaire clos" banner every page carries: shown while the event is closed (read-only).

/** Show or hide the page's closed banner, and mark the page for styles that dim writing controls. */
export function showClosed(closed) {
  for (const banner of document.querySelectorAll("[data-closed-banner]")) banner.hidden = !closed;
  document.body.classList.toggle("is-closed", Boolean(closed));
}
