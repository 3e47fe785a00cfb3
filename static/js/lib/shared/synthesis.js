// A room's syntheses, one per board: the facilitator's editor (chosen cards in order, a text per
// column of the board), the plenary screen's view of a published one, and the published ones by
// atelier (the screen's slides and the organiser's remote).
import { authorName, el, readBoot } from "./dom.js";
import { errorText, failureText } from "./errors.js";
import { clock as clockTime, t } from "./i18n.js";

const TEXT_MAX = readBoot().limits.synthesis_text;

/** Return the time of day of an ISO moment, in the page's language (16h30 / 4:30 PM). */
function clock(iso) {
  return clockTime(new Date(iso));
}

function reason(err) {
  return failureText(err);
}

export class SynthesisEditor {
  /**
   * `root`: the editor's section: [data-synthesis-board] (a select of the boards), [data-synthesis-items],
   * [data-synthesis-fields=<board>] holding [data-synthesis-text=<column>]…; each board of the day has
   * its own synthesis. `cards()`: the room's cards (Map id → card); `call`: the connection's
   * acknowledged call; `boards`: the event's boards ({key, columns}); `onItems()`: the chosen cards changed.
   */
  constructor(root, { roomId, cards, call, boards, onItems = () => {} }) {
    this.root = root;
    this.roomId = roomId;
    this.cards = cards;
    this.call = call;
    this.labels = new Map(boards.map((board) => [board.key, new Map(board.columns.map((column) => [column.key, column.label]))]));
    this.onItems = onItems;
    // Per board: the chosen cards, and whether this console edited them since the last load or save
    // (a late draft must not overwrite them).
    this.drafts = new Map(boards.map((board) => [board.key, { items: [], dirty: false, published: null }]));
    this.select = root.querySelector("[data-synthesis-board]");
    this.board = this.select ? this.select.value : boards.length ? boards[0].key : null;
    this.followed = null; // the board of the room's phase the editor last followed
    this.list = root.querySelector("[data-synthesis-items]");
    this.empty = root.querySelector("[data-synthesis-empty]");
    this.message = root.querySelector("[data-synthesis-message]");
    this.fields = new Map([...root.querySelectorAll("[data-synthesis-fields]")].map((node) => [node.dataset.synthesisFields, node]));
    for (const [board, node] of this.fields) {
      for (const area of node.querySelectorAll("[data-synthesis-text]")) {
        area.maxLength = TEXT_MAX;
        area.addEventListener("input", () => (this.drafts.get(board).dirty = true));
      }
    }
    if (this.select) this.select.addEventListener("change", () => this.show(this.select.value));
    root.addEventListener("click", (click) => this._clicked(click));
    for (const button of root.querySelectorAll("[data-synthesis-save], [data-synthesis-publish]")) button.disabled = false;
    this.show(this.board);
  }

  /** The draft of the board on show. */
  get draft() {
    return this.drafts.get(this.board) || { items: [], dirty: false, published: null };
  }

  get items() {
    return this.draft.items;
  }

  /** Show the synthesis of `board` (a key of the event's boards). */
  show(board) {
    if (!this.drafts.has(board)) return;
    this.board = board;
    if (this.select) this.select.value = board;
    for (const [key, node] of this.fields) node.hidden = key !== board;
    const { published } = this.draft;
    this.say(published ? t("Dernière publication à {time}.", { time: clock(published) }) : "");
    this.render();
    this.onItems();
  }

  /** Follow the room's phase: show its board's synthesis when the phase moves to another board. */
  follow(board) {
    if (!board || board === this.followed) return;
    this.followed = board;
    this.show(board);
  }

  /** Tell whether a card is in the synthesis on show. */
  has(cardId) {
    return this.items.includes(cardId);
  }

  /** Tell whether a card may be added to the synthesis on show (a card of its board). */
  takes(card) {
    return card.board === this.board;
  }

  /** Add a card at the end of the synthesis on show. */
  add(cardId) {
    if (this.has(cardId)) return;
    this.items.push(cardId);
    this._changed();
  }

  _texts(board) {
    const node = this.fields.get(board);
    return node ? [...node.querySelectorAll("[data-synthesis-text]")] : [];
  }

  /** Take a draft saved on the server (its board's), unless this console has unsaved edits of it. */
  load(draft) {
    const mine = draft && this.drafts.get(draft.board);
    if (!mine || mine.dirty) return;
    mine.items = [...draft.items];
    mine.published = draft.published_at;
    for (const area of this._texts(draft.board)) area.value = draft.texts[area.dataset.synthesisText] || "";
    if (draft.board === this.board) this.show(this.board);
  }

  /** Draw the chosen cards, each with Monter / Descendre / Retirer. */
  render() {
    const cards = this.cards();
    this.list.replaceChildren(
      ...this.items.map((cardId, index) => {
        const card = cards.get(cardId);
        const textId = `synthesis-${this.roomId}-${cardId}`;
        const button = (action, label, disabled = false) =>
          el(
            "button",
            { type: "button", class: "button button--small button--quiet", "data-synthesis-move": action, "data-card-id": cardId, "aria-describedby": textId, disabled },
            label,
          );
        return el(
          "li",
          { class: "synthesis-item" },
          el("p", { class: "synthesis-item__text", id: textId }, card ? card.text : t("Carte n° {id}", { id: cardId })),
          el(
            "p",
            { class: "synthesis-item__meta" },
            card ? (this.labels.get(this.board) || new Map()).get(card.column) || card.column : "",
            card && card.hidden ? " · " + t("masquée : elle ne sera pas publiée") : "",
          ),
          el(
            "p",
            { class: "synthesis-item__actions" },
            button("up", t("Monter"), index === 0),
            button("down", t("Descendre"), index === this.items.length - 1),
            button("remove", t("Retirer")),
          ),
        );
      }),
    );
    this.empty.hidden = this.items.length > 0;
  }

  /** Show a message under the editor. */
  say(text, isError = false) {
    this.message.textContent = text;
    this.message.classList.toggle("synthesis-editor__message--error", isError);
  }

  /** Save the draft of the board on show; resolve true when the server kept it. */
  async save() {
    const { board } = this;
    const draft = this.draft;
    const cards = this.cards();
    // Cards hidden or gone since they were chosen cannot be kept.
    const items = draft.items.filter((id) => cards.has(id) && !cards.get(id).hidden && !cards.get(id).held);
    const texts = Object.fromEntries(this._texts(board).map((area) => [area.dataset.synthesisText, area.value]));
    try {
      const ack = await this.call("save_synthesis", { room_id: this.roomId, board, items, texts }, 5000);
      if (!ack.ok) throw new Error(errorText(ack.error));
      draft.dirty = false;
      draft.items = [...ack.draft.items];
      this.render();
      this.onItems();
      this.say(t("Brouillon enregistré à {time}.", { time: clock(ack.draft.updated_at) }));
      return true;
    } catch (err) {
      this.say(t("La synthèse n'a pas été enregistrée : {why}. Réessayez.", { why: reason(err) }), true);
      return false;
    }
  }

  /** Save, then publish for the plenary screen. */
  async publish() {
    if (!(await this.save())) return;
    try {
      const ack = await this.call("publish_synthesis", { room_id: this.roomId, board: this.board }, 5000);
      if (!ack.ok) throw new Error(errorText(ack.error));
      this.draft.published = ack.synthesis.published_at;
      this.say(t("Synthèse publiée à {time} : l'écran peut l'afficher.", { time: clock(ack.synthesis.published_at) }));
    } catch (err) {
      this.say(t("La synthèse n'a pas été publiée : {why}. Réessayez.", { why: reason(err) }), true);
    }
  }

  _changed() {
    this.draft.dirty = true;
    this.render();
    this.onItems();
  }

  async _clicked(click) {
    const button = click.target.closest("button");
    if (!button || button.disabled) return;
    if (button.hasAttribute("data-synthesis-move")) {
      const cardId = Number(button.dataset.cardId);
      const index = this.items.indexOf(cardId);
      const action = button.dataset.synthesisMove;
      if (action === "remove") this.items.splice(index, 1);
      const to = action === "up" ? index - 1 : action === "down" ? index + 1 : -1;
      if (to >= 0 && to < this.items.length) [this.items[index], this.items[to]] = [this.items[to], this.items[index]];
      this._changed();
      // Keep the focus on the same control of the moved card, for keyboard users.
      const again = this.list.querySelector(`[data-card-id="${cardId}"][data-synthesis-move="${action}"]`);
      if (again && !again.disabled) again.focus();
      return;
    }
    const save = button.hasAttribute("data-synthesis-save");
    if (!save && !button.hasAttribute("data-synthesis-publish")) return;
    button.disabled = true;
    try {
      await (save ? this.save() : this.publish());
    } finally {
      button.disabled = false;
    }
  }
}

/**
 * Render a published synthesis for the screen: the room, a text per column of its board, then the
 * chosen cards in order. `columns`: the board's columns ({key, label}); `scaleLabel(key)`.
 */
export function renderPublished(synthesis, columns, scaleLabel = (key) => key) {
  const titleId = `synthesis-room-${synthesis.room_id}-${synthesis.board || ""}`;
  const labels = new Map(columns.map((column) => [column.key, column.label]));
  const questions = columns
    .filter((column) => synthesis.texts[column.key])
    .map((column) =>
      el("div", { class: "synthesis__question" }, el("h4", { class: "synthesis__label" }, column.label), el("p", { class: "synthesis__text" }, synthesis.texts[column.key])),
    );
  const cards = synthesis.cards.map((card) =>
    el(
      "li",
      { class: "synthesis__card" },
      el("p", { class: "synthesis__cardtext" }, card.text),
      el(
        "p",
        { class: "synthesis__cardmeta" },
        [labels.get(card.column) || card.column, authorName(card.author), scaleLabel(card.author.scale)].filter(Boolean).join(" · "),
      ),
    ),
  );
  return el(
    "article",
    { class: "synthesis", "aria-labelledby": titleId, "data-synthesis-room": synthesis.room_id, "data-synthesis-board": synthesis.board || "" },
    el("h3", { class: "synthesis__room", id: titleId }, synthesis.room_name),
    el(
      "div",
      { class: cards.length ? "synthesis__body synthesis__body--cards" : "synthesis__body" },
      questions.length ? el("div", { class: `synthesis__questions synthesis__questions--${Math.min(questions.length, 4)}` }, questions) : null,
      cards.length ? el("ol", { class: "synthesis__cards" }, cards) : null,
      !questions.length && !cards.length ? el("p", { class: "synthesis__empty" }, t("Synthèse vide.")) : null,
    ),
  );
}

export const LEGACY_BOARD = "four_questions"; // syntheses published before boards had their own

/**
 * Return the published syntheses grouped by atelier, in programme order: [{board, title, columns,
 * syntheses}], each group's syntheses in the rooms' order; boards no phase works come after (their
 * own title), then syntheses of a board the event no longer has (title null). Mirrors
 * collab.domain.syntheses.by_atelier.
 */
export function byAtelier(event, published) {
  const boards = event.boards || [];
  const byKey = new Map(boards.map((board) => [board.key, board]));
  const order = new Map();
  for (const phase of event.programme || []) {
    if (byKey.has(phase.activity) && !order.has(phase.activity)) order.set(phase.activity, phase.title);
  }
  for (const board of boards) if (!order.has(board.key)) order.set(board.key, board.title);
  const boardOf = (synthesis) => synthesis.board || LEGACY_BOARD;
  for (const synthesis of published) if (!order.has(boardOf(synthesis))) order.set(boardOf(synthesis), null);
  const everyColumn = [...new Map(boards.flatMap((board) => board.columns.map((c) => [c.key, c]))).values()];
  const rooms = (event.rooms || []).map((room) => room.id);
  const roomOrder = (synthesis) => (rooms.includes(synthesis.room_id) ? rooms.indexOf(synthesis.room_id) : rooms.length);
  return [...order].map(([key, title]) => ({
    board: key,
    title,
    columns: byKey.has(key) ? byKey.get(key).columns : everyColumn,
    syntheses: published.filter((s) => boardOf(s) === key).sort((a, b) => roomOrder(a) - roomOrder(b)),
  }));
}

/** Return the group the screen shows for `board` (null: the first with a published synthesis). */
export function groupFor(groups, board) {
  return groups.find((group) => group.board === board) || groups.find((group) => group.syntheses.length) || groups[0] || null;
}
