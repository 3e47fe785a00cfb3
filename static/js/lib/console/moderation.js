// A room's moderation in the facilitator's console: the tools on each card (hide, edit, pin,
// approve, delete, select to merge, undo a merge), the waiting queue, and keyboard shortcuts.
import { busy } from "./actions.js";
import { authorName, el, readBoot } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";

const INVALID_TEXT = t("une carte compte de 1 à {max} caractères", { max: readBoot().limits.card_text });
const INVALID_MERGE = t("seules des cartes publiées (ni en attente, ni déjà fusionnées) se fusionnent");

// One entry per card action: the event it sends, its payload, and what to say if it fails.
const ACTIONS = {
  hide: { event: "hide_card", failed: t("La carte n'a pas pu être masquée") },
  restore: { event: "restore_card", failed: t("La carte n'a pas pu être rétablie") },
  pin: { event: "pin_card", extra: { pinned: true }, failed: t("La carte n'a pas pu être épinglée") },
  unpin: { event: "pin_card", extra: { pinned: false }, failed: t("La carte n'a pas pu être désépinglée") },
  approve: { event: "approve_card", failed: t("La carte n'a pas pu être validée") },
  unmerge: { event: "unmerge_card", failed: t("La fusion n'a pas pu être défaite") },
  delete: {
    event: "delete_card",
    failed: t("La carte n'a pas pu être supprimée"),
    invalid: t("elle regroupe des doublons : défaites d'abord la fusion"),
  },
};

// Keys on a focused card → the action of the button it presses.
const SHORTCUTS = {
  m: ["hide", "restore"],
  e: ["edit"],
  p: ["pin", "unpin"],
  v: ["approve"],
  Delete: ["delete"],
  Backspace: ["delete"], // a Mac keyboard's ⌫
};

function button(action, label, cardId, textId, extraClass = "") {
  return el(
    "button",
    {
      type: "button",
      class: `button button--small button--quiet card__tool ${extraClass}`.trim(),
      "data-action": action,
      "data-card-id": cardId,
      "aria-describedby": textId,
    },
    label,
  );
}

export class RoomModeration {
  /**
   * `node`: the room's section; `store`: its RoomStore; `run`: see actions.js `actionRunner`;
   * `redraw()`: draw the room again (after a change that only this console sees).
   */
  constructor(node, store, { run, redraw }) {
    this.node = node;
    this.store = store;
    this.run = run;
    this.redraw = redraw;
    this.editing = new Map(); // card id → draft text
    this.selected = new Set(); // card ids chosen for a merge
    this.queue = node.querySelector("[data-queue]");
    this.queueEmpty = node.querySelector("[data-queue-empty]");
    this.queueCount = node.querySelector("[data-queue-count]");
    this.mergeButton = node.querySelector("[data-merge]");
    this.selectionText = node.querySelector("[data-selection-count]");
    this.tools = this.tools.bind(this);
    this.signature = (card) => [this.editing.has(card.id), this.selected.has(card.id)];
    node.addEventListener("click", (click) => this._click(click));
    node.addEventListener("change", (change) => this._select(change));
    node.addEventListener("keydown", (key) => this._key(key));
    node.addEventListener("submit", (submitted) => {
      const form = submitted.target.closest("[data-edit-form]");
      if (!form) return;
      submitted.preventDefault();
      this._save(form);
    });
    node.addEventListener("input", (input) => {
      if (input.target.dataset.editText) this.editing.set(Number(input.target.dataset.editText), input.target.value);
    });
  }

  /** Return the controls of one card (for renderCard's `tools`). */
  tools(card, textId) {
    const id = card.id;
    if (this.editing.has(id)) {
      const fieldId = `edit-${id}`;
      return [
        el(
          "form",
          { class: "card__edit", "data-edit-form": id },
          el("label", { class: "card__edit-label", for: fieldId }, t("Nouveau texte")),
          el("textarea", { class: "input", id: fieldId, rows: 3, maxlength: readBoot().limits.card_text, "data-edit-text": id }, this.editing.get(id)),
          el(
            "div",
            { class: "card__tools" },
            el("button", { type: "submit", class: "button button--small button--primary", "aria-describedby": textId }, t("Enregistrer")),
            button("cancel-edit", t("Annuler"), id, textId),
          ),
        ),
      ];
    }
    const tools = [
      button(card.hidden ? "restore" : "hide", card.hidden ? t("Rétablir") : t("Masquer"), id, textId),
      button("edit", t("Modifier"), id, textId),
      button(card.pinned ? "unpin" : "pin", card.pinned ? t("Désépingler") : t("Épingler"), id, textId),
    ];
    if (card.held) tools.unshift(button("approve", t("Valider"), id, textId, "card__tool--approve"));
    if (card.merged && card.merged.length) tools.push(button("unmerge", t("Défaire la fusion"), id, textId));
    if (!card.held) {
      tools.push(
        el(
          "label",
          { class: "card__select" },
          el("input", {
            type: "checkbox",
            "data-select": id,
            checked: this.selected.has(id),
            "aria-describedby": textId,
          }),
          t("Sélectionner"),
        ),
      );
    }
    tools.push(button("delete", t("Supprimer"), id, textId, "card__tool--danger"));
    return [el("div", { class: "card__tools" }, tools)];
  }

  /** Call around a render: the focused card (its tool, or its editor) keeps the focus if it was redrawn. */
  keepFocus() {
    const active = document.activeElement;
    const card = active && this.node.contains(active) ? active.closest(".columns article[data-card-id]") : null;
    if (!card) return () => {};
    const id = card.dataset.cardId;
    const action = active.dataset.action;
    const editing = active.hasAttribute("data-edit-text");
    return () => {
      if (active.isConnected) return;
      const again = this.node.querySelector(`.columns article[data-card-id="${id}"]`);
      if (!again) return;
      const target = editing
        ? again.querySelector("[data-edit-text]")
        : action && again.querySelector(`[data-action="${action}"]`);
      (target || again).focus();
    };
  }

  /** Bring the queue, the selection and the merge button up to date with the store. */
  update() {
    for (const id of [...this.selected]) {
      const card = this.store.cards.get(id);
      if (!card || card.held) this.selected.delete(id);
    }
    for (const id of [...this.editing.keys()]) if (!this.store.cards.has(id)) this.editing.delete(id);
    const n = this.selected.size;
    this.mergeButton.disabled = n < 2;
    this.selectionText.textContent = n
      ? tn("{n} carte sélectionnée", "{n} cartes sélectionnées", n)
      : t("Cochez « Sélectionner » sur des cartes en double, puis fusionnez-les dans la plus ancienne.");
    this._drawQueue();
  }

  _drawQueue() {
    const held = [...this.store.cards.values()].filter((card) => card.held).sort((a, b) => a.id - b.id);
    // The list is drawn anew: a focused Valider / Supprimer is focused again if its card is still there.
    const active = this.queue.contains(document.activeElement) ? document.activeElement : null;
    this.queueCount.textContent = String(held.length);
    this.queueEmpty.hidden = held.length > 0;
    this.queue.replaceChildren(
      ...held.map((card) => {
        const textId = `queue-${card.id}-text`;
        const column = this.node.querySelector(`[data-column="${card.column}"] .column__title`);
        return el(
          "li",
          { class: "queue__item" },
          el("p", { class: "queue__text", id: textId }, card.text),
          el(
            "p",
            { class: "queue__meta" },
            el("span", { class: "card__author" }, authorName(card.author)),
            column ? el("span", {}, column.textContent) : null,
            el("span", { class: "badge badge--held" }, card.held === "reveal" ? t("avant révélation") : t("à valider")),
          ),
          el(
            "div",
            { class: "card__tools" },
            button("approve", t("Valider"), card.id, textId, "card__tool--approve"),
            button("delete", t("Supprimer"), card.id, textId, "card__tool--danger"),
          ),
        );
      }),
    );
    if (active) {
      const again = this.queue.querySelector(
        `[data-action="${active.dataset.action}"][data-card-id="${active.dataset.cardId}"]`,
      );
      (again || this.queue.querySelector("button"))?.focus();
    }
  }

  async _click(click) {
    const target = click.target.closest("button[data-action], button[data-merge]");
    if (!target || target.disabled) return;
    if (target.hasAttribute("data-merge")) return this._merge(target);
    const id = Number(target.dataset.cardId);
    const action = target.dataset.action;
    if (action === "edit") return this._startEdit(id);
    if (action === "cancel-edit") return this._stopEdit(id);
    const spec = ACTIONS[action];
    if (!spec) return;
    if (action === "delete" && !this._confirmDelete(id)) return;
    await busy(
      target,
      this.run(spec.event, { card_id: id, ...(spec.extra || {}) }, { failed: spec.failed, invalid: spec.invalid }),
    );
    // The room's broadcast redraws the card; nothing else to do here.
  }

  _confirmDelete(id) {
    const card = this.store.cards.get(id);
    const quote = card && card.text ? `\n\n« ${card.text.slice(0, 140)} »` : "";
    return window.confirm(t("Supprimer cette carte de tous les écrans ?") + quote);
  }

  _startEdit(id) {
    const card = this.store.cards.get(id);
    if (!card) return;
    this.editing.set(id, card.text || "");
    this.redraw();
    const field = this.node.querySelector(`[data-edit-text="${id}"]`);
    if (field) {
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }
  }

  _stopEdit(id) {
    this.editing.delete(id);
    this.redraw();
    this.node.querySelector(`.columns article[data-card-id="${id}"]`)?.focus();
  }

  async _save(form) {
    const id = Number(form.dataset.editForm);
    const text = form.querySelector("textarea").value.trim();
    const save = form.querySelector("button[type=submit]");
    const ack = await busy(
      save,
      this.run("edit_card", { card_id: id, text }, { failed: t("La carte n'a pas pu être modifiée"), invalid: INVALID_TEXT }),
    );
    if (ack) this._stopEdit(id);
  }

  _select(change) {
    const box = change.target;
    if (!box.dataset.select) return;
    const id = Number(box.dataset.select);
    if (box.checked) this.selected.add(id);
    else this.selected.delete(id);
    this.update();
  }

  async _merge(target) {
    const ids = [...this.selected].sort((a, b) => a - b);
    if (ids.length < 2) return;
    const [oldest, ...duplicates] = ids; // ids grow with time: the smallest is the oldest card
    const ack = await busy(
      target,
      this.run(
        "merge_cards",
        { card_id: oldest, card_ids: duplicates },
        { failed: t("Les cartes n'ont pas pu être fusionnées"), invalid: INVALID_MERGE },
      ),
    );
    if (ack) {
      this.selected.clear();
      this.redraw();
    }
  }

  _key(key) {
    const target = key.target;
    if (target.dataset && target.dataset.editText) {
      if (key.key === "Escape") this._stopEdit(Number(target.dataset.editText));
      if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) target.form.requestSubmit();
      return;
    }
    if (key.ctrlKey || key.metaKey || key.altKey || target.matches("input, textarea, select")) return;
    const card = target.closest(".columns article[data-card-id]");
    if (!card) return;
    if (key.key === "ArrowDown" || key.key === "ArrowUp") {
      const cards = [...this.node.querySelectorAll(".columns:not([hidden]) article[data-card-id]")];
      const next = cards[cards.indexOf(card) + (key.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
      key.preventDefault();
      return;
    }
    if (key.key.toLowerCase() === "s") {
      card.querySelector("[data-select]")?.click();
      key.preventDefault();
      return;
    }
    const actions = SHORTCUTS[key.key] || SHORTCUTS[key.key.toLowerCase()];
    if (!actions) return;
    const tool = card.querySelector(actions.map((a) => `[data-action="${a}"]`).join(","));
    if (tool) {
      key.preventDefault();
      tool.click();
    }
  }
}
