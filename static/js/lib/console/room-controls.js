// A room's controls in the facilitator's console: lock, activity (open, paused, closed),
// how new cards appear (held until reveal, approved first) and the reveal of held cards.
import { busy } from "./actions.js";
import { t, tn } from "../shared/i18n.js";

const STATE_TEXT = {
  locked: t("Salle verrouillée : les participants lisent mais n'écrivent plus."),
  paused: t("Activité en pause : les participants lisent mais n'écrivent plus."),
  closed: t("Activité close : les participants ne peuvent plus écrire."),
  open: t("Les participants peuvent écrire."),
};

export class RoomControls {
  /** `node`: the room's section (holding [data-room-controls]); `store`: its RoomStore; `run`: see actions.js. */
  constructor(node, store, { run }) {
    this.store = store;
    this.roomId = store.roomId;
    this.run = run;
    this.state = null;
    this.lock = node.querySelector("[data-lock]");
    this.activity = [...node.querySelectorAll("[data-activity]")];
    this.modes = [...node.querySelectorAll("[data-mode]")];
    this.reveal = node.querySelector("[data-reveal]");
    this.summary = node.querySelector("[data-room-state]");
    this.held = 0;

    this.lock.addEventListener("click", () => {
      const locked = !(this.state && this.state.locked);
      this._send(this.lock, "lock_room", { locked }, locked ? t("La salle n'a pas pu être verrouillée") : t("La salle n'a pas pu être déverrouillée"));
    });
    for (const radio of this.activity) {
      radio.addEventListener("change", () => {
        if (radio.checked) this._send(radio, "set_activity", { state: radio.value }, t("L'activité n'a pas pu changer"));
      });
    }
    for (const box of this.modes) {
      box.addEventListener("change", () => {
        this._send(box, "set_card_modes", { [box.dataset.mode]: box.checked }, t("Le mode des cartes n'a pas pu changer"));
      });
    }
    this.reveal.addEventListener("click", () => {
      this._send(this.reveal, "reveal_cards", {}, t("Les cartes n'ont pas pu être révélées"));
    });
  }

  /** Show the room's state (from its store). */
  showState(state) {
    this.state = state;
    this._draw();
  }

  /** Count the cards held until reveal (from the store's cards). */
  showCards(cards) {
    this.held = [...cards].filter((card) => card.held === "reveal").length;
    this._draw();
  }

  _draw() {
    const state = this.state;
    // One text node: a flex button would split "(", the number and ")" into separate items.
    this.reveal.textContent = t("Révéler les cartes ({n})", { n: this.held });
    this.reveal.disabled = !state || this.held === 0 || this.reveal.hasAttribute("aria-busy");
    if (!state) return;
    this.lock.textContent = state.locked ? t("Déverrouiller") : t("Verrouiller la salle");
    this.lock.classList.toggle("button--locked", state.locked);
    this.lock.setAttribute("aria-pressed", String(state.locked));
    for (const radio of this.activity) radio.checked = radio.value === state.activity_state;
    for (const box of this.modes) box.checked = Boolean(state[box.dataset.mode]);
    for (const control of [this.lock, ...this.activity, ...this.modes]) {
      if (!control.hasAttribute("aria-busy")) control.disabled = false;
    }
    const why = state.locked ? "locked" : state.activity_state;
    this.summary.textContent = STATE_TEXT[why] || STATE_TEXT.open;
    this.summary.dataset.open = String(why === "open");
    this.reveal.title = this.held
      ? tn("{n} carte attend la révélation", "{n} cartes attendent la révélation", this.held)
      : t("Aucune carte n'attend la révélation");
  }

  async _send(control, event, payload, failed) {
    const ack = await busy(control, this.run(event, { room_id: this.roomId, ...payload }, { failed }));
    // The acknowledgement's state is the freshest unless the room's own change got here first.
    if (ack && ack.state && (ack.seq === null || this.store.seq === null || this.store.seq < ack.seq)) {
      this.state = ack.state;
    }
    this._draw(); // a refused change puts the control back as the room is
  }
}
