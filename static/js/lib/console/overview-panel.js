// The organiser's table of every room: participants connected, cards visible, hidden, pending, lock.
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

const FIGURES = ["connected", "visible", "hidden", "pending"];

export class OverviewPanel {
  /** `root` holds a <tbody data-overview-rows> with one <tr data-room-id> per room. */
  constructor(root) {
    this.body = root.querySelector("[data-overview-rows]");
  }

  /** Return the row of a room, made if the page did not have it. */
  row(roomId, name) {
    let row = this.body.querySelector(`tr[data-room-id="${Number(roomId)}"]`);
    if (!row) {
      row = el(
        "tr",
        { "data-room-id": roomId },
        el("th", { scope: "row" }, name || `Salle ${roomId}`),
        [...FIGURES, "locked"].map((figure) => el("td", { "data-figure": figure }, "–")),
      );
      this.body.append(row);
    }
    return row;
  }

  /** Show the figures of `get_overview`'s acknowledgement. */
  render(rooms) {
    for (const room of rooms) {
      const row = this.row(room.room_id, room.name);
      for (const figure of FIGURES) row.querySelector(`[data-figure="${figure}"]`).textContent = String(room[figure]);
      const lock = row.querySelector('[data-figure="locked"]');
      lock.textContent = room.locked ? t("Verrouillée") : t("Ouverte");
      row.classList.toggle("is-locked", Boolean(room.locked));
    }
  }

  /** Show a `presence_changed`: participants connected per room. */
  showPresence({ rooms = [] }) {
    for (const { room_id: roomId, count } of rooms) {
      const row = this.body.querySelector(`tr[data-room-id="${Number(roomId)}"]`);
      if (row) row.querySelector('[data-figure="connected"]').textContent = String(count);
    }
  }
}
