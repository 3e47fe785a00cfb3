// A room's case study in the facilitator's console: the room's situation (chosen here), each
// protagonist with who plays it, the roles nobody has taken, who has no role, and a role given
// to a participant by the facilitator.
import { busy } from "./actions.js";
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { showSituation, situationOf } from "../shared/situation.js";

export class RolesPanel {
  /**
   * `node`: the room's [data-roles-panel]; `store`: its RoomStore (`roles`); `event`: the page's
   * live event (situations, rooms); `run`: see actions.js.
   */
  constructor(node, store, { event, run }) {
    this.node = node;
    this.store = store;
    this.roomId = store.roomId;
    this.event = event;
    this.run = run;
    this.situationSelect = node.querySelector("[data-situation-select]");
    this.list = node.querySelector("[data-roles-list]");
    this.without = node.querySelector("[data-roles-without]");
    this.form = node.querySelector("[data-assign-form]");
    this.situationSelect.addEventListener("change", () => this._setSituation());
    this.form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._assign();
    });
  }

  /** Draw the panel from the event's situations and the store's roles. */
  render() {
    const situation = situationOf(this.event, this.roomId);
    this._situations(situation);
    showSituation(this.node, situation);
    const names = (situation && situation.protagonists) || [];
    const roles = this.store.roles || [];
    const players = (name) => roles.filter((entry) => entry.role === name).map((entry) => entry.pseudonym);
    this.list.replaceChildren(
      ...names.map((name) => {
        const who = players(name);
        return el(
          "li",
          { class: who.length ? "rolelist__item" : "rolelist__item rolelist__item--free", "data-role-name": name },
          el("span", { class: "rolelist__role" }, name),
          el("span", { class: "rolelist__who" }, who.length ? who.join(", ") : t("personne")),
        );
      }),
    );
    this.list.hidden = names.length === 0;
    const free = names.filter((name) => players(name).length === 0).length;
    const summary = this.node.querySelector("[data-roles-summary]");
    summary.textContent = !situation
      ? t("Aucune situation : choisissez-en une pour que chacun prenne un rôle.")
      : !names.length
        ? t("Cette situation n'a pas de protagonistes.")
        : free
          ? tn("{n} rôle libre sur {total}.", "{n} rôles libres sur {total}.", free, { total: names.length })
          : t("Les {total} rôles sont pris.", { total: names.length });
    const none = roles.filter((entry) => !entry.role);
    this.without.textContent = none.length ? t("Sans rôle : {names}", { names: none.map((entry) => entry.pseudonym).join(", ") }) : t("Tout le monde a un rôle.");
    this.without.hidden = names.length === 0 || roles.length === 0;

    // The assign form: every participant of the room, every protagonist (or no role).
    const person = this.form.elements.participant;
    const role = this.form.elements.role;
    const people = roles.map((entry) => [String(entry.participant_id), entry.role ? `${entry.pseudonym} (${entry.role})` : entry.pseudonym]);
    fill(person, people);
    fill(role, [...names.map((name) => [name, name]), ["", t("aucun rôle")]]);
    this.form.hidden = names.length === 0 || roles.length === 0;
  }

  _situations(situation) {
    const options = [["", t("aucune")], ...(this.event.situations || []).map((s) => [String(s.id), s.title])];
    // Without the event's list (an older server), the room's own situation is still offered.
    if (situation && !options.some(([value]) => value === String(situation.id))) options.push([String(situation.id), situation.title]);
    fill(this.situationSelect, options);
    if (!this.situationSelect.hasAttribute("aria-busy")) this.situationSelect.value = situation ? String(situation.id) : "";
  }

  async _setSituation() {
    const value = this.situationSelect.value;
    const ack = await busy(
      this.situationSelect,
      this.run(
        "set_room_situation",
        { room_id: this.roomId, situation_id: value ? Number(value) : null },
        { failed: t("La situation de la salle n'a pas pu changer") },
      ),
    );
    if (!ack) this.render(); // put the select back as the room is
  }

  async _assign() {
    const person = this.form.elements.participant.value;
    if (!person) return;
    const role = this.form.elements.role.value;
    await busy(
      this.form.querySelector("button[type=submit]"),
      this.run(
        "assign_role",
        { participant_id: Number(person), role: role || null },
        { failed: t("Le rôle n'a pas pu être attribué"), invalid: t("ce rôle n'est pas un protagoniste de la situation") },
      ),
    );
  }
}

// Set a select's options ([value, label]) unless they are already those; keep the choice if it stays.
function fill(select, options) {
  const wanted = JSON.stringify(options);
  if (select.dataset.options === wanted) return;
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, label]) => el("option", { value }, label)));
  select.dataset.options = wanted;
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}
