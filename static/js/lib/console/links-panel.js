// The organiser's secret links: listed, revoked (after a confirmation), regenerated, and one more
// facilitator link for every room; the page's other link buttons follow the current links.
import { el } from "../shared/dom.js";
import { errorText, failureText } from "../shared/errors.js";
import { dateTime, t } from "../shared/i18n.js";

/** Return the name of a link in the page's language: "Animation · Salle 1", "Écran de plénière"… */
export function linkLabel(link) {
  if (link.role === "organiser") return link.current ? t("Organisation (votre lien)") : t("Organisation");
  if (link.role === "screen") return t("Écran de plénière");
  if (link.role === "facilitator") return t("Animation") + " · " + (link.room_id === null ? t("toutes les salles") : link.room_name);
  return link.role;
}

function time(iso) {
  return dateTime(iso);
}

const CONFIRM = {
  revoke: {
    question: t("Révoquer ce lien ? Les pages ouvertes avec lui perdront l'accès aussitôt."),
    button: t("Confirmer la révocation"),
  },
  regenerate: {
    question: t("Remplacer ce lien par un nouveau ? L'ancien cessera aussitôt de fonctionner."),
    button: t("Confirmer le remplacement"),
  },
};

export class LinksPanel {
  /**
   * `root` holds <tbody data-links-rows>, the [data-create-all-rooms] button and [data-links-message];
   * `call(event, payload)` sends an acknowledged event; `onChanged()` runs after every change;
   * `onOwnLink(url)` receives the organiser's own new link after they regenerated it.
   */
  constructor(root, { call, rooms = () => [], onChanged = () => {}, onOwnLink = () => {} }) {
    this.body = root.querySelector("[data-links-rows]");
    this.message = root.querySelector("[data-links-message]");
    this.call = call;
    this.onChanged = onChanged;
    this.onOwnLink = onOwnLink;
    this.rooms = rooms; // the event's rooms now ({id, name}), for those left without a link
    this.links = [];
    root.addEventListener("click", (click) => this.clicked(click));
  }

  /** Fetch the links again and show them. */
  async refresh() {
    const ack = await this.call("list_links", {});
    if (!ack.ok) throw new Error(errorText(ack.error));
    this.render(ack.links);
  }

  render(links) {
    this.links = links;
    const linked = new Set(links.filter((link) => link.role === "facilitator").map((link) => link.room_id));
    const unlinked = (this.rooms() || []).filter((room) => !linked.has(room.id));
    this.body.replaceChildren(...links.map((link) => this.row(link)), ...unlinked.map((room) => this.roomWithoutLink(room)));
    followCurrentLinks(links);
  }

  row(link) {
    const labelId = `link-${link.id}-label`;
    const actions = el("div", { class: "linktable__actions", "data-actions": link.id });
    this.showActions(actions, link);
    return el(
      "tr",
      { "data-link-id": link.id, "data-role": link.role },
      el("th", { scope: "row", id: labelId }, linkLabel(link)),
      el("td", { class: "linktable__url" }, el("a", { href: link.url, target: "_blank", rel: "noopener" }, link.url)),
      el("td", {}, el("time", { datetime: link.created_at }, time(link.created_at))),
      el("td", {}, actions),
    );
  }

  /** A room whose facilitator link was revoked: a button makes it a new one. */
  roomWithoutLink(room) {
    const labelId = `room-${room.id}-nolink`;
    return el(
      "tr",
      { "data-room-without-link": room.id },
      el("th", { scope: "row", id: labelId }, t("Animation") + " · " + room.name),
      el("td", { class: "linktable__url" }, t("Aucun lien valide")),
      el("td", {}, "—"),
      el(
        "td",
        {},
        el(
          "button",
          { type: "button", class: "button button--small", "data-create-room": room.id, "aria-describedby": labelId },
          t("Créer un lien d'animation pour cette salle"),
        ),
      ),
    );
  }

  /** Show a link's buttons: Régénérer, and Révoquer unless it is the organiser's own link. */
  showActions(cell, link) {
    const describedBy = `link-${link.id}-label`;
    const button = (action, text, quiet) =>
      el(
        "button",
        {
          type: "button",
          class: quiet ? "button button--small button--quiet" : "button button--small",
          "data-link-action": action,
          "data-link-id": link.id,
          "aria-describedby": describedBy,
        },
        text,
      );
    const buttons = [button("ask-regenerate", t("Régénérer"), true)];
    if (!link.current) buttons.push(button("ask-revoke", t("Révoquer")));
    cell.replaceChildren(...buttons);
  }

  /** Ask before revoking or regenerating: the question, a confirm button and Annuler. */
  showConfirm(cell, link, action) {
    const describedBy = `link-${link.id}-label`;
    const questionId = `link-${link.id}-question`;
    const confirm = CONFIRM[action];
    const button = (linkAction, text, className, describedByIds) =>
      el(
        "button",
        {
          type: "button",
          class: `button button--small ${className}`,
          "data-link-action": linkAction,
          "data-link-id": link.id,
          "aria-describedby": describedByIds,
        },
        text,
      );
    cell.replaceChildren(
      el("span", { class: "linktable__question", id: questionId }, confirm.question),
      button(action, confirm.button, "button--danger", `${describedBy} ${questionId}`),
      button("cancel", t("Annuler"), "button--quiet", describedBy),
    );
    cell.querySelector("button").focus();
  }

  async clicked(click) {
    const button = click.target.closest("button");
    if (!button || button.disabled) return;
    if (button.matches("[data-create-all-rooms]")) {
      const payload = { role: "facilitator", room_id: null };
      return this.act(button, "create_link", payload, (ack) => t("Nouveau lien créé : {link}.", { link: linkLabel(ack.link) }));
    }
    if (button.dataset.createRoom) {
      const payload = { role: "facilitator", room_id: Number(button.dataset.createRoom) };
      return this.act(button, "create_link", payload, (ack) => t("Nouveau lien créé : {link}.", { link: linkLabel(ack.link) }));
    }
    const action = button.dataset.linkAction;
    if (!action) return;
    const linkId = Number(button.dataset.linkId);
    const link = this.links.find((candidate) => candidate.id === linkId);
    const cell = button.closest("[data-actions]");
    if (!link || !cell) return;
    if (action === "ask-revoke") return this.showConfirm(cell, link, "revoke");
    if (action === "ask-regenerate") return this.showConfirm(cell, link, "regenerate");
    if (action === "cancel") {
      this.showActions(cell, link);
      cell.querySelector("button").focus();
      return;
    }
    if (action === "revoke") {
      return this.act(button, "revoke_link", { link_id: linkId }, () => t("Lien révoqué : {link}.", { link: linkLabel(link) }));
    }
    if (action === "regenerate") {
      return this.act(button, "regenerate_link", { link_id: linkId }, (ack) => {
        if (ack.link.current) this.onOwnLink(ack.link.url);
        return t("Nouveau lien : {link}. L'ancien ne fonctionne plus.", { link: linkLabel(ack.link) });
      });
    }
  }

  /** Send one change, say what happened, and show the links as they are now. */
  async act(button, event, payload, done) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const ack = await this.call(event, payload);
      if (!ack.ok) throw new Error(errorText(ack.error));
      this.message.textContent = done(ack);
      await this.refresh();
      this.onChanged();
    } catch (err) {
      this.message.textContent = t("Impossible : {why}. Réessayez.", { why: failureText(err) });
      if (button.isConnected) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    }
  }
}

/** Point the page's room and screen link buttons at the current links (the newest of each). */
function followCurrentLinks(links) {
  for (const anchor of document.querySelectorAll("a[data-link-role]")) {
    const room = anchor.dataset.linkRoom ? Number(anchor.dataset.linkRoom) : null;
    const current = links.filter((link) => link.role === anchor.dataset.linkRole && link.room_id === room).at(-1);
    if (current) anchor.href = current.url;
    else anchor.removeAttribute("href"); // revoked and not replaced: nothing to open or copy
    const copy = anchor.id && document.querySelector(`[data-copy="${anchor.id}"]`);
    if (copy) copy.disabled = !current;
  }
}
