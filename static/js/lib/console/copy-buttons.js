// "Copier" buttons beside links: `data-copy` names the id of the link whose address they copy.
import { t } from "../shared/i18n.js";

/** Show and wire every copy button of the page; the clipboard API exists only on HTTPS or localhost. */
export function enableCopyButtons() {
  if (!navigator.clipboard || !window.isSecureContext) return; // without it the buttons stay hidden
  for (const button of document.querySelectorAll("[data-copy]")) {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const link = document.getElementById(button.dataset.copy);
      if (!link.hasAttribute("href")) return; // a revoked link: nothing to copy
      try {
        await navigator.clipboard.writeText(link.href);
        button.textContent = t("Copié");
      } catch {
        button.textContent = t("Copie impossible");
      }
      setTimeout(() => (button.textContent = label), 2000);
    });
  }
}
