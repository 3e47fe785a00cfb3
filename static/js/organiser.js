// The organiser's page: copy buttons for the links, and the programme's current phase marked.
import { readBoot } from "./lib/dom.js";
import { startConsole } from "./lib/organiser-console.js";
import { currentAndNext } from "./lib/programme.js";

// The clipboard API exists only on HTTPS or localhost; without it the buttons stay hidden.
if (navigator.clipboard && window.isSecureContext) {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const link = document.getElementById(button.dataset.copy);
      if (!link.hasAttribute("href")) return; // a revoked link: nothing to copy
      try {
        await navigator.clipboard.writeText(link.href);
        button.textContent = "Copié";
      } catch {
        button.textContent = "Copie impossible";
      }
      setTimeout(() => (button.textContent = label), 2000);
    });
  }
}

function markCurrentPhase() {
  const rows = [...document.querySelectorAll("[data-programme] tr[data-start]")];
  const phases = rows.map((row) => ({ start: row.dataset.start, end: row.dataset.end, row }));
  const { current } = currentAndNext(phases);
  for (const { row } of phases) {
    const now = current && row === current.row;
    row.classList.toggle("is-current", Boolean(now));
    if (now) row.setAttribute("aria-current", "time");
    else row.removeAttribute("aria-current");
  }
}

markCurrentPhase();
setInterval(markCurrentPhase, 30000);

// Rooms at a glance, secret links and the moderation log, live (see lib/organiser-console.js).
startConsole(readBoot());
