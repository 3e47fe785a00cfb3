// The screen's rooms: every room's board live side by side ("rooms"), or one of them large ("room").
import { boardFor, linksBackToCaseStudy, RoomBoards } from "../shared/boards.js";
import { combineDecorations, skillDecoration } from "../shared/competences.js";
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { Facets, rolesOf } from "../shared/facets.js";
import { phaseById, roomPhase } from "../shared/phase.js";
import { RoomStore } from "../shared/store.js";
import { situationOf, SituationCards } from "../shared/situation.js";
import { byVotes, pressToggle, voteDecoration } from "../shared/votes.js";
import { TimerView } from "../shared/timer.js";
import { fitList, pageList } from "./fit.js";

// One room alone turns its columns' pages this often: a page of cards read from the back of the room.
export const PAGE_MS = 12000;

const ROOM_FLAGS = { locked: t("Salle verrouillée"), paused: t("En pause"), closed: t("Activité close") };

export class RoomsView {
  /**
   * `root`: the element holding one `.room[data-room-id]` section per room; `event`: the boot event;
   * `call`: the connection's acknowledged call; `onCards()`: after any change of any room's cards.
   */
  constructor(root, { event, call, scaleLabel, onCards = () => {} }) {
    this.root = root;
    this.event = event;
    this.count = root.dataset.rooms;
    this.stores = new Map();
    this.nodes = new Map();
    this.timers = new Map();
    this.views = new Map();
    this.atelier1 = new Map();
    this.single = null; // the room shown alone, or null for every room
    this.tick = 0; // the page the room shown alone is at (each column shows tick modulo its pages)
    this.pager = null;
    this.paging = null; // the room whose pages turn
    // One filter bar for every room's case-study board.
    this.facetsNode = document.querySelector("[data-facets]");
    this.facets = new Facets(this.facetsNode, {
      id: "facets",
      onChange: () => this.stores.forEach((store) => store.onChange(store)),
    });
    for (const node of root.querySelectorAll(".room[data-room-id]")) {
      const roomId = Number(node.dataset.roomId);
      const decorate = combineDecorations(skillDecoration(event), voteDecoration(() => this.stores.get(roomId)));
      const view = new RoomBoards(node, { scaleLabel, decorate });
      view.facets = this.facets;
      this.atelier1.set(roomId, new SituationCards(node.querySelector("[data-atelier1]"), { call, event, eager: true }));
      const onChange = (store) => {
        // Held cards travel without their words: the screen counts them instead of drawing them.
        const cards = [...store.cards.values()];
        view.render(cards.filter((card) => !card.held));
        this._showHeld(node, cards.filter((card) => card.held === "reveal").length);
        this.showClock(roomId);
        this.fit(node);
        onCards();
      };
      this.stores.set(roomId, new RoomStore(roomId, { onChange, onState: (state) => this._showState(node, state) }));
      this.nodes.set(roomId, node);
      this.views.set(roomId, view);
      this.timers.set(roomId, new TimerView(node.querySelector("[data-room-timer]")));
    }
    pressToggle(document.querySelector("[data-sort-votes]"), (pressed) => {
      for (const [roomId, view] of this.views) {
        view.sortBy = pressed ? byVotes : null;
        const store = this.stores.get(roomId);
        store.onChange(store);
      }
    });
    // A room's heading can grow after its cards were fitted (its situation, a flag, a facet bar):
    // each list fits again when its own height changes (never because of what fitting did).
    const heights = new WeakMap();
    this.resized = new ResizeObserver((entries) => {
      const changed = entries.filter(({ target }) => heights.get(target) !== target.clientHeight);
      for (const { target } of changed) heights.set(target, target.clientHeight);
      new Set(changed.map(({ target }) => target.closest(".room"))).forEach((room) => this.fit(room));
    });
    this.observed = new WeakSet(); // the lists watched (a board added during the day too)
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.fitAll(), 150);
    });
    this.nodes.forEach((_node, roomId) => this.showClock(roomId));
  }

  /** Show every room (`roomId` null) or one room alone, large. */
  show(roomId = null) {
    this.single = this.nodes.has(roomId) ? roomId : null;
    this.root.hidden = false;
    this.root.dataset.rooms = this.single ? "1" : this.count;
    this.root.classList.toggle("screen__rooms--single", Boolean(this.single));
    for (const [id, node] of this.nodes) node.hidden = this.single !== null && id !== this.single;
    this._page(this.single);
    this.fitAll();
  }

  hide() {
    this.root.hidden = true;
    this._page(null);
  }

  /** Turn the pages of the room shown alone (`roomId`) from its first, or stop (null). */
  _page(roomId) {
    if (roomId === this.paging) return; // shown again (a reconnection): the pages go on
    this.paging = roomId;
    clearInterval(this.pager);
    this.pager = null;
    this.tick = 0;
    if (roomId === null) return;
    this.pager = setInterval(() => {
      this.tick += 1;
      this.fit(this.nodes.get(roomId));
    }, PAGE_MS);
  }

  /** Draw every room's clock and board again (the event's phase or timer changed). */
  refreshClocks() {
    this.nodes.forEach((_node, roomId) => this.showClock(roomId));
  }

  refreshSituations() {
    this.atelier1.forEach((cards) => cards.refresh());
  }

  fitAll() {
    this.nodes.forEach((node) => this.fit(node));
  }

  /** Show each room's count of connected participants. */
  showPresence(rooms = []) {
    for (const { room_id: roomId, count } of rooms) {
      const node = this.nodes.get(roomId);
      if (!node) continue;
      node.querySelector("[data-room-count]").textContent = String(count);
      node.querySelector("[data-room-count-label]").textContent = tn("connecté", "connectés", count);
    }
  }

  /** Show a room's own countdown, its own phase when it is not the event's, and the board of its phase. */
  showClock(roomId) {
    const { event } = this;
    const state = this.stores.get(roomId).state;
    const shown = boardFor(event, roomPhase(event, state));
    this.views.get(roomId).follow(event.boards);
    if (this.views.get(roomId).show(shown && shown.key)) this.fit(this.nodes.get(roomId));
    this._showSituation(roomId);
    this.timers.get(roomId).set(state ? state.timer : null);
    const own = state && state.current_phase_id ? phaseById(event.programme, state.current_phase_id) : null;
    const label = this.nodes.get(roomId).querySelector("[data-room-phase]");
    label.hidden = !own || own.id === event.current_phase_id;
    label.textContent = own ? own.title : "";
  }

  /** Show a room's situation in its header, with the link to atelier 1 during the four questions. */
  _showSituation(roomId) {
    const { event } = this;
    const node = this.nodes.get(roomId);
    const situation = situationOf(event, roomId);
    const title = node.querySelector("[data-room-situation]");
    if (title.textContent !== (situation ? situation.title : "")) title.textContent = situation ? situation.title : "";
    title.hidden = !situation;
    const phase = roomPhase(event, this.stores.get(roomId).state);
    this.atelier1.get(roomId).show(situation ? situation.id : null, linksBackToCaseStudy(phase));
    // The bar shows while a room works on its case study; it offers every room's protagonists.
    this.facetsNode.hidden = ![...this.views.values()].some((view) => view.kind === "case_study");
    const situations = (event.rooms || []).map((room) => room.situation).filter(Boolean);
    this.facets.setChoices({ roles: rolesOf(situations), scales: event.scales || [] });
  }

  _showHeld(room, count) {
    const line = room.querySelector("[data-held-count]");
    line.textContent = tn("{n} carte en attente de révélation", "{n} cartes en attente de révélation", count);
    line.hidden = count === 0;
  }

  _showState(room, state) {
    const why = !state ? null : state.locked ? "locked" : state.activity_state !== "open" ? state.activity_state : null;
    const flag = room.querySelector("[data-room-flag]");
    flag.hidden = !why;
    flag.dataset.flag = why || "";
    room.querySelector("[data-room-flag-text]").textContent = why ? ROOM_FLAGS[why] || "" : "";
  }

  /**
   * Fit a room's columns to the screen. Every room: each column keeps its newest cards that fit
   * whole and counts the others. One room alone: each column pages through all its cards, a page
   * every PAGE_MS, and says which page it shows.
   */
  fit(room) {
    if (this.root.hidden || room.hidden) return;
    let pages = 0;
    for (const list of room.querySelectorAll(".columns:not([hidden]) [data-cards]")) {
      if (!this.observed.has(list)) {
        this.observed.add(list);
        this.resized.observe(list);
      }
      const column = list.closest("[data-column]");
      let more = column.querySelector("[data-more]");
      let pager = column.querySelector("[data-page]");
      if (!more) {
        more = el("p", { class: "column__more", "data-more": "" });
        pager = el("p", { class: "column__page", "data-page": "", hidden: true });
        column.querySelector(".column__head").append(more, pager);
      }
      if (this.single === null) {
        pager.hidden = true;
        fitList(list, more, (n) => tn("+ {n} autre carte", "+ {n} autres cartes", n));
        continue;
      }
      more.hidden = true;
      const count = pageList(list, this.tick);
      pages = Math.max(pages, count);
      pager.hidden = count < 2;
      pager.textContent = t("page {page} / {pages}", { page: (this.tick % Math.max(count, 1)) + 1, pages: count });
    }
    room.dataset.pages = String(pages); // the longest column's pages: every card shows within pages × PAGE_MS
  }
}
