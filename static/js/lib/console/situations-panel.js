// The organiser's situations (the case studies of atelier 1): listed, created, edited, deleted, and
// given to the rooms. The lists follow the event (`event.situations`, `event.rooms`, `event.scales`),
// which `event_changed` keeps up to date.
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";

export class SituationsPanel {
  /**
   * `root`: the page's [data-situations-panel]; `event`: the page's live event;
   * `request(name, payload, failed)`: the page's request (it shows errors; resolves with the ack or null).
   */
  constructor(root, { event, request }) {
    this.root = root;
    this.event = event;
    this.request = request;
    this.rows = root.querySelector("[data-situation-rows]");
    this.form = root.querySelector("[data-situation-form]");
    this.editing = null; // the id of the situation in the form, null for a new one
    root.querySelector("[data-add-situation]").addEventListener("click", () => this.open(null));
    root.querySelector("[data-situation-cancel]").addEventListener("click", () => (this.form.hidden = true));
    this.form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._save();
    });
    this.rows.addEventListener("click", (click) => this._clicked(click));
    this.roomRows = root.querySelector("[data-room-situations]");
    this.roomRows.addEventListener("change", (changed) => this._assign(changed.target));
  }

  /** Draw one select per room: the situation it works, or none. */
  _drawRooms() {
    const situations = this.event.situations || [];
    const options = [["", t("Aucune situation")], ...situations.map((s) => [String(s.id), s.title])];
    const rooms = this.event.rooms || [];
    const wanted = JSON.stringify([options, rooms.map((room) => [room.id, room.name])]);
    if (this.roomRows.dataset.drawn !== wanted) {
      this.roomRows.replaceChildren(
        ...rooms.map((room) =>
          el(
            "li",
            { class: "roomsituations__item" },
            el("label", { for: `room-situation-${room.id}` }, room.name),
            el("select", { class: "input", id: `room-situation-${room.id}`, "data-room-id": room.id }, options.map(([value, title]) => el("option", { value }, title))),
          ),
        ),
      );
      this.roomRows.dataset.drawn = wanted;
    }
    for (const room of rooms) {
      const select = this.roomRows.querySelector(`select[data-room-id="${room.id}"]`);
      const value = room.situation ? String(room.situation.id) : "";
      if (select && document.activeElement !== select && select.value !== value) select.value = value;
    }
  }

  async _assign(select) {
    if (!select.matches("select[data-room-id]")) return;
    const payload = { room_id: Number(select.dataset.roomId), situation_id: select.value ? Number(select.value) : null };
    const ack = await this.request("set_room_situation", payload, t("La situation de la salle n'a pas pu changer"));
    if (!ack) this._drawRooms(); // back to what the room works
  }

  /** Offer the event's scales in the form (not while it is open: ticked boxes would be lost). */
  _drawScales() {
    if (!this.form.hidden) return;
    const box = this.form.querySelector("[data-situation-scales]");
    const scales = this.event.scales || [];
    const wanted = JSON.stringify(scales);
    if (box.dataset.drawn === wanted) return;
    box.replaceChildren(
      ...scales.map((scale) => el("label", { class: "check" }, el("input", { type: "checkbox", name: "scales", value: scale.key }), el("span", {}, scale.label))),
    );
    box.dataset.drawn = wanted;
  }

  /** Draw the list of situations, the rooms' situations and the scales the form offers. */
  render() {
    this._drawRooms();
    this._drawScales();
    const situations = this.event.situations || [];
    const scale = new Map((this.event.scales || []).map((s) => [s.key, s.label]));
    this.root.querySelector("[data-situations-empty]").hidden = situations.length > 0;
    this.rows.replaceChildren(
      ...situations.map((situation) => {
        const titleId = `situation-${situation.id}-title`;
        const action = (label, name) =>
          el("button", { type: "button", class: "button button--small", "data-situation-action": name, "data-situation-id": situation.id, "aria-describedby": titleId }, label);
        const rooms = (this.event.rooms || []).filter((room) => room.situation && room.situation.id === situation.id);
        return el(
          "li",
          { class: "situationlist__item", "data-situation-id": situation.id },
          el("p", { class: "situationlist__title", id: titleId }, situation.title),
          situation.description ? el("p", { class: "situationlist__description" }, situation.description) : null,
          el(
            "p",
            { class: "situationlist__facts" },
            tn("{n} protagoniste", "{n} protagonistes", (situation.protagonists || []).length),
            (situation.scales || []).length ? ` · ${situation.scales.map((key) => scale.get(key) || key).join(", ")}` : "",
            rooms.length ? ` · ${rooms.map((room) => room.name).join(", ")}` : " · " + t("aucune salle"),
          ),
          el("div", { class: "programme__actions" }, action(t("Modifier"), "edit"), action(t("Supprimer"), "delete")),
        );
      }),
    );
  }

  /** Open the form on a situation (null: a new one). */
  open(situation) {
    this.editing = situation ? situation.id : null;
    const fields = this.form.elements;
    this.form.querySelector("[data-situation-form-title]").textContent = situation ? t("Modifier « {title} »", { title: situation.title }) : t("Nouvelle situation");
    fields.title.value = situation ? situation.title : "";
    fields.description.value = situation ? situation.description || "" : "";
    const scales = new Set(situation ? situation.scales || [] : []);
    for (const box of this.form.querySelectorAll('input[name="scales"]')) box.checked = scales.has(box.value);
    fields.protagonists.value = situation ? (situation.protagonists || []).join("\n") : "";
    this.form.hidden = false;
    fields.title.focus();
  }

  async _save() {
    const fields = this.form.elements;
    const payload = {
      situation_id: this.editing,
      title: fields.title.value.trim(),
      description: fields.description.value.trim(),
      scales: [...this.form.querySelectorAll('input[name="scales"]:checked')].map((box) => box.value),
      protagonists: fields.protagonists.value.split("\n").map((line) => line.trim()).filter(Boolean),
    };
    const ack = await this.request("save_situation", payload, t("La situation n'a pas pu être enregistrée"));
    if (!ack) return;
    this.form.hidden = true;
    // The event_changed that follows redraws the list; the ack's situation shows it at once.
    if (ack.situation) {
      const list = (this.event.situations || []).filter((s) => s.id !== ack.situation.id);
      const index = (this.event.situations || []).findIndex((s) => s.id === ack.situation.id);
      list.splice(index < 0 ? list.length : index, 0, ack.situation);
      this.event.situations = list;
      this.render();
    }
  }

  async _clicked(click) {
    const button = click.target.closest("button[data-situation-action]");
    if (!button) return;
    const id = Number(button.dataset.situationId);
    const situation = (this.event.situations || []).find((s) => s.id === id);
    if (!situation) return;
    if (button.dataset.situationAction === "edit") {
      this.open(situation);
    } else if (window.confirm(`Supprimer la situation « ${situation.title} » ? Les salles qui la travaillent n'en auront plus.`)) {
      const ack = await this.request("delete_situation", { situation_id: id }, t("La situation n'a pas pu être supprimée"));
      if (ack) {
        this.event.situations = (this.event.situations || []).filter((s) => s.id !== id);
        this.render();
      }
    }
  }
}
