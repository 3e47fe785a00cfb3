// "Le séminaire" on the organiser's page: the event's details, its territorial scales, its boards and
// their columns. Each form is drawn from the live event and drawn again when `event_changed` brings
// another version, unless the organiser is typing in it; a refusal is said next to the form, worded
// from its reason, and puts the focus on the field it names.
import { el } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";

const KINDS = [
  ["grid", () => t("Grille (colonnes de cartes)")],
  ["case_study", () => t("Étude de cas (rôles et échelles)")],
  ["competences", () => t("Compétences (offre et besoin)")],
];

/** Return a key (a-z, 0-9, _) made from a label, not among `taken`, as the server makes scale keys. */
export function deriveKey(label, taken = new Set()) {
  const plain = label.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const base = plain.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 36) || "colonne";
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}_${n}`;
  return key;
}

/** Return the sentence for a refusal of an edit (its `details.reason`), or null for another kind of error. */
export function editRefusal(error) {
  const details = (error && error.details) || {};
  const field = details.field || "";
  const max = details.max;
  switch (details.reason) {
    case "length":
      return t("« {field} » compte de 1 à {max} caractères.", { field: fieldName(field), max });
    case "date":
      return t("La date n'est pas une date du calendrier.");
    case "range":
      return t("Anonymiser : un nombre de jours de 0 à {max}, ou rien pour tout garder.", { max });
    case "choice":
      return t("« {field} » : choisissez dans la liste.", { field: fieldName(field) });
    case "count":
      if (field === "scales") return t("Un séminaire a de 1 à {max} échelles.", { max });
      if (field === "columns") return t("Un tableau a de 1 à {max} colonnes.", { max });
      return t("Un séminaire a au plus {max} tableaux.", { max });
    case "duplicate":
      return field.startsWith("scales") ? t("Deux échelles portent ce nom.") : t("Deux colonnes ont la même clé.");
    case "key":
      return t("Une clé s'écrit en minuscules sans accent, chiffres et _ (40 au plus), sans espace.");
    case "unknown":
      return t("Cette échelle n'existe plus : rechargez la page.");
    case "scale_chosen":
      return tn(
        "« {label} » est l'échelle de {n} participant : elle ne peut pas être retirée.",
        "« {label} » est l'échelle de {n} participants : elle ne peut pas être retirée.",
        details.count,
        { label: details.label },
      );
    case "scale_in_situation":
      return t("La situation « {situation} » a l'échelle « {label} » : retirez-la d'abord de la situation.", details);
    case "column_has_cards":
      return tn(
        "La colonne « {label} » contient {n} carte : on peut la renommer, pas la retirer.",
        "La colonne « {label} » contient {n} cartes : on peut la renommer, pas la retirer.",
        details.count,
        { label: details.label },
      );
    case "column_moved":
      return t("Une colonne qui contient des cartes garde sa place parmi les autres colonnes qui en contiennent.");
    case "board_has_cards":
      return field === "kind"
        ? t("Ce tableau contient des cartes : son type ne change plus.")
        : t("Ce tableau contient des cartes : il ne peut pas être supprimé.");
    case "board_in_programme":
      return t("La phase « {phase} » travaille sur ce tableau : changez-la d'abord.", details);
    case "board_on_screen":
      return t("L'écran de la plénière montre ce tableau : changez d'abord ce qu'il affiche.");
    case "last_board":
      return t("Un séminaire garde au moins un tableau.");
    case "competence_columns":
      return t("Un tableau de compétences a exactement deux colonnes : offre et besoin.");
    case "unknown_board":
      return t("Choisissez l'activité parmi les tableaux du séminaire.");
    default:
      if (Array.isArray(details.fields) && details.fields.length) {
        return t("« {field} » ne convient pas.", { field: fieldName(details.fields[0].field) });
      }
      return null;
  }
}

/** Return the name people read for a field the server names ("columns.2.label" → "Libellé de la colonne 3"). */
function fieldName(field) {
  const item = /^(scales|columns)\.(\d+)\.(\w+)$/.exec(field);
  if (item) {
    const n = Number(item[2]) + 1;
    if (item[1] === "scales") return t("Échelle {n}", { n });
    if (item[3] === "key") return t("Clé de la colonne {n}", { n });
    if (item[3] === "hint") return t("Indication de la colonne {n}", { n });
    return t("Libellé de la colonne {n}", { n });
  }
  const names = {
    title: t("Titre"),
    starts_on: t("Date"),
    place: t("Lieu"),
    welcome: t("Texte d'accueil"),
    contact: t("Contact pour les données personnelles"),
    retention_days: t("Anonymiser"),
    erase_policy: t("Effacer mes contributions"),
    kind: t("Type de tableau"),
    key: t("Clé"),
    activity: t("Activité"),
  };
  return names[field] || field;
}

export class EventEditor {
  /**
   * `root`: the page's [data-event-editor]; `event`: the page's live event;
   * `call(name, payload)`: the connection's call; `take(state)`: apply an acknowledged event state.
   */
  constructor(root, { event, call, take }) {
    this.root = root;
    this.event = event;
    this.call = call;
    this.take = take;
    this.details = root.querySelector("[data-details-form]");
    this.scales = root.querySelector("[data-scales-form]");
    this.boards = root.querySelector("[data-board-forms]");
    this.newBoards = 0; // boards added in the page, not yet saved
    for (const form of [this.details, this.scales]) form.addEventListener("input", () => (form.dataset.dirty = "1"));
    this.details.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._saveDetails();
    });
    this.scales.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._saveScales();
    });
    this.scales.addEventListener("click", (click) => this._scaleClicked(click));
    root.querySelector("[data-add-board]").addEventListener("click", () => this._addBoard());
  }

  /** Draw every form from the event, but those the organiser is changing. */
  render() {
    if (!this.details.dataset.dirty) this._drawDetails();
    if (!this.scales.dataset.dirty) this._drawScales(this.event.scales || []);
    const forms = new Map([...this.boards.querySelectorAll("[data-board-form]")].map((form) => [form.dataset.boardKey, form]));
    const wanted = (this.event.boards || []).map((board) => {
      const form = forms.get(board.key);
      if (form && (form.dataset.dirty || form.dataset.drawn === JSON.stringify(board))) return form;
      const fresh = this._boardForm(board, false);
      fresh.dataset.drawn = JSON.stringify(board);
      // "Tableau enregistré." stays under the form drawn again from what was saved.
      if (form) fresh.querySelector("[data-editor-done]").textContent = form.querySelector("[data-editor-done]").textContent;
      return fresh;
    });
    // Boards added in the page and not saved yet stay at the end.
    const unsaved = [...forms.values()].filter((form) => form.dataset.new && !(this.event.boards || []).some((b) => b.key === form.dataset.boardKey));
    const focused = document.activeElement && document.activeElement.id;
    this.boards.replaceChildren(...wanted, ...unsaved);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // ---- Details ----

  _drawDetails() {
    const fields = this.details.elements;
    const event = this.event;
    fields.title.value = event.title || "";
    fields.starts_on.value = event.starts_on || "";
    fields.place.value = event.place || "";
    fields.welcome.value = event.welcome || "";
    fields.contact.value = event.contact || "";
    fields.retention_days.value = event.retention_days ?? "";
    fields.erase_policy.value = event.erase_policy || "withdrawn";
  }

  async _saveDetails() {
    const fields = this.details.elements;
    const days = fields.retention_days.value.trim();
    const payload = {
      title: fields.title.value,
      starts_on: fields.starts_on.value || null,
      place: fields.place.value,
      welcome: fields.welcome.value,
      contact: fields.contact.value,
      retention_days: days === "" ? null : Number(days),
      erase_policy: fields.erase_policy.value,
    };
    if (days !== "" && !Number.isInteger(payload.retention_days)) {
      return this._refused(this.details, { details: { field: "retention_days", reason: "range", max: 3650 } });
    }
    await this._send(this.details, "save_event_details", payload, t("Informations enregistrées."));
  }

  // ---- Scales ----

  _drawScales(scales) {
    const rows = this.scales.querySelector("[data-scale-rows]");
    rows.replaceChildren(...scales.map((scale, index) => this._scaleRow(scale.key, scale.label, index)));
    this._numberRows(rows);
  }

  _scaleRow(key, label, index) {
    const id = `scale-${index}-${Math.random().toString(36).slice(2, 8)}`;
    const button = (text, action) => el("button", { type: "button", class: "button button--small", "data-scale-action": action, "aria-describedby": id }, text);
    return el(
      "li",
      { class: "editlist__row", "data-scale-key": key || "" },
      el("label", { class: "editlist__label", for: id }, t("Échelle {n}", { n: index + 1 })),
      el("input", { class: "input editlist__input", id, name: "label", type: "text", maxlength: 80, required: true, value: label }),
      el("span", { class: "editlist__actions" }, button(t("Monter"), "up"), button(t("Descendre"), "down"), button(t("Retirer"), "remove")),
    );
  }

  /** Number the rows' labels again after a move ("Échelle 1", "Colonne 2"…). */
  _numberRows(rows, word = "scale") {
    [...rows.children].forEach((row, index) => {
      const label = row.querySelector(".editlist__label");
      if (label) label.textContent = word === "scale" ? t("Échelle {n}", { n: index + 1 }) : t("Colonne {n}", { n: index + 1 });
    });
  }

  _scaleClicked(click) {
    const add = click.target.closest("[data-add-scale]");
    const rows = this.scales.querySelector("[data-scale-rows]");
    if (click.target.closest("[data-scales-reset]")) {
      delete this.scales.dataset.dirty;
      this._refused(this.scales, null, "");
      this._drawScales(this.event.scales || []);
      return;
    }
    this.scales.dataset.dirty = "1";
    if (add) {
      const row = this._scaleRow(null, "", rows.children.length);
      rows.append(row);
      this._numberRows(rows);
      row.querySelector("input").focus();
      return;
    }
    const button = click.target.closest("[data-scale-action]");
    if (button) moveRow(button.closest("li"), button.dataset.scaleAction, () => this._numberRows(rows));
  }

  async _saveScales() {
    const rows = [...this.scales.querySelectorAll("[data-scale-rows] > li")];
    const scales = rows.map((row) => ({ key: row.dataset.scaleKey || null, label: row.querySelector("input").value }));
    await this._send(this.scales, "save_scales", { scales }, t("Échelles enregistrées."));
  }

  // ---- Boards ----

  _addBoard() {
    this.newBoards += 1;
    const taken = new Set((this.event.boards || []).map((board) => board.key));
    const key = deriveKey(t("tableau {n}", { n: this.newBoards }), taken);
    const form = this._boardForm({ key, title: "", kind: "grid", columns: [{ key: "", label: "", hint: "" }] }, true);
    form.dataset.dirty = "1";
    this.boards.append(form);
    form.elements.title.focus();
  }

  /** Return the form of one board; `fresh` for a board not saved yet (its key may still change). */
  _boardForm(board, fresh) {
    const prefix = `board-${board.key}`;
    const kind = el("select", { class: "input", id: `${prefix}-kind`, name: "kind" }, KINDS.map(([value, label]) => el("option", { value }, label())));
    kind.value = board.kind || "grid";
    const rows = el("ol", { class: "editlist", "data-column-rows": true }, board.columns.map((column) => this._columnRow(prefix, column, fresh || !column.key)));
    const form = el(
      "form",
      { class: "phaseform boardform", "data-board-form": true, "data-board-key": board.key, "data-new": fresh ? "1" : null, "aria-labelledby": `${prefix}-heading`, novalidate: true },
      el("h4", { class: "boardform__title", id: `${prefix}-heading` }, board.title || t("Nouveau tableau")),
      el(
        "div",
        { class: "phaseform__grid" },
        el("div", { class: "field" }, el("label", { for: `${prefix}-title` }, t("Nom du tableau")), el("input", { class: "input", id: `${prefix}-title`, name: "title", type: "text", maxlength: 200, required: true, value: board.title })),
        el("div", { class: "field" }, el("label", { for: `${prefix}-kind` }, t("Type de tableau")), kind),
        fresh
          ? el("div", { class: "field" }, el("label", { for: `${prefix}-key` }, t("Clé")), el("input", { class: "input", id: `${prefix}-key`, name: "board_key", type: "text", maxlength: 40, value: board.key }))
          : el("p", { class: "field muted small" }, t("Clé : {key}", { key: board.key })),
      ),
      el("p", { class: "field__help" }, t("Colonnes : la clé ne change plus une fois enregistrée ; une colonne qui contient des cartes se renomme mais ne se retire pas.")),
      rows,
      el("p", {}, el("button", { type: "button", class: "button button--small", "data-add-column": true }, t("Ajouter une colonne"))),
      el("p", { class: "alert", role: "alert", "data-editor-message": true, hidden: true }),
      el("p", { class: "small", role: "status", "data-editor-done": true }),
      el(
        "p",
        { class: "phaseform__buttons" },
        el("button", { type: "submit", class: "button button--primary" }, t("Enregistrer le tableau")),
        el("button", { type: "button", class: "button", "data-delete-board": true }, fresh ? t("Annuler") : t("Supprimer le tableau")),
      ),
    );
    this._numberRows(rows, "column");
    form.addEventListener("input", () => (form.dataset.dirty = "1"));
    form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._saveBoard(form);
    });
    form.addEventListener("click", (click) => this._boardClicked(form, prefix, click));
    return form;
  }

  /** Return one column's row; `editableKey` for a column not saved yet. */
  _columnRow(prefix, column, editableKey) {
    const id = `${prefix}-col-${Math.random().toString(36).slice(2, 8)}`;
    const button = (text, action) => el("button", { type: "button", class: "button button--small", "data-column-action": action, "aria-describedby": `${id}-label` }, text);
    return el(
      "li",
      { class: "editlist__row editlist__row--column", "data-column-key": editableKey ? "" : column.key },
      el("span", { class: "editlist__label" }),
      el(
        "span",
        { class: "editlist__fields" },
        el("label", { class: "editlist__field" }, t("Libellé"), el("input", { class: "input", id: `${id}-label`, name: "label", type: "text", maxlength: 80, required: true, value: column.label })),
        el("label", { class: "editlist__field" }, t("Indication sur le téléphone"), el("input", { class: "input", name: "hint", type: "text", maxlength: 300, value: column.hint || "" })),
        editableKey
          ? el("label", { class: "editlist__field" }, t("Clé (d'après le libellé si vide)"), el("input", { class: "input", name: "key", type: "text", maxlength: 40, value: column.key || "" }))
          : el("span", { class: "editlist__key muted small" }, t("Clé : {key}", { key: column.key })),
      ),
      el("span", { class: "editlist__actions" }, button(t("Monter"), "up"), button(t("Descendre"), "down"), button(t("Retirer"), "remove")),
    );
  }

  _boardClicked(form, prefix, click) {
    const rows = form.querySelector("[data-column-rows]");
    if (click.target.closest("[data-add-column]")) {
      form.dataset.dirty = "1";
      const row = this._columnRow(prefix, { key: "", label: "", hint: "" }, true);
      rows.append(row);
      this._numberRows(rows, "column");
      row.querySelector('input[name="label"]').focus();
      return;
    }
    if (click.target.closest("[data-delete-board]")) return this._deleteBoard(form);
    const button = click.target.closest("[data-column-action]");
    if (!button) return;
    form.dataset.dirty = "1";
    moveRow(button.closest("li"), button.dataset.columnAction, () => this._numberRows(rows, "column"));
  }

  async _saveBoard(form) {
    const rows = [...form.querySelectorAll("[data-column-rows] > li")];
    const taken = new Set(rows.map((row) => row.dataset.columnKey).filter(Boolean));
    const columns = rows.map((row) => {
      const label = row.querySelector('input[name="label"]').value;
      let key = row.dataset.columnKey;
      if (!key) {
        const typed = row.querySelector('input[name="key"]').value.trim();
        key = typed || deriveKey(label, taken);
        taken.add(key);
      }
      return { key, label, hint: row.querySelector('input[name="hint"]').value };
    });
    const key = form.dataset.new ? form.elements.board_key.value.trim() : form.dataset.boardKey;
    const payload = { key, title: form.elements.title.value, kind: form.elements.kind.value, columns };
    if (form.dataset.new && (this.event.boards || []).some((board) => board.key === key)) {
      return this._refused(form, { details: { field: "key", reason: "duplicate_board" } }, t("Un autre tableau a déjà cette clé."));
    }
    await this._send(form, "save_board", payload, t("Tableau enregistré."));
  }

  async _deleteBoard(form) {
    if (form.dataset.new) {
      form.remove();
      return;
    }
    const board = (this.event.boards || []).find((b) => b.key === form.dataset.boardKey);
    if (!board || !window.confirm(t("Supprimer le tableau « {title} » ?", { title: board.title }))) return;
    delete form.dataset.dirty;
    await this._send(form, "delete_board", { key: board.key }, "");
  }

  // ---- Sending and refusals ----

  /** Send one edit; on success the form is no longer "being changed" and the new state is drawn. */
  async _send(form, name, payload, done) {
    const status = form.querySelector("[data-editor-done]");
    if (status) status.textContent = "";
    let ack;
    try {
      ack = await this.call(name, payload, 5000);
    } catch (err) {
      return this._refused(form, null, err && err.reason === "disconnected" ? t("Pas de connexion au serveur : rien n'a été enregistré.") : t("Le serveur n'a pas répondu : rien n'a été enregistré."));
    }
    if (!ack.ok) {
      const closed = ack.error && ack.error.code === "closed";
      return this._refused(form, ack.error, closed ? t("Le séminaire est clos ; rouvrez-le pour le modifier.") : null);
    }
    this._refused(form, null, "");
    // Said before the new state is drawn: a board's form drawn again keeps what it says.
    if (status) status.textContent = done;
    delete form.dataset.dirty;
    if (form.dataset.new) {
      delete form.dataset.new;
      form.dataset.boardKey = payload.key;
    }
    this.take(ack);
    return ack;
  }

  /** Say why an edit was refused next to its form, mark the field it names and put the focus there. */
  _refused(form, error, text = null) {
    const box = form.querySelector("[data-editor-message]");
    for (const field of form.querySelectorAll('[aria-invalid="true"]')) field.removeAttribute("aria-invalid");
    const sentence = text ?? editRefusal(error) ?? t("Modification refusée : ces données ne conviennent pas.");
    box.textContent = sentence;
    box.hidden = !sentence;
    if (!error) return null;
    const details = error.details || {};
    const named = details.field || (details.fields && details.fields[0] && details.fields[0].field) || "";
    const control = controlFor(form, named);
    if (control) {
      control.setAttribute("aria-invalid", "true");
      control.focus();
    }
    return null;
  }
}

/** Return the input a field the server names stands for, in `form` ("columns.1.label", "title"…). */
function controlFor(form, field) {
  const item = /^(?:scales|columns)\.(\d+)\.(\w+)$/.exec(field);
  if (item) {
    const row = form.querySelectorAll(".editlist > li")[Number(item[1])];
    return row ? row.querySelector(`input[name="${item[2]}"]`) || row.querySelector("input") : null;
  }
  // A refusal of the whole list (a scale someone chose, a column holding cards) names no one input.
  if (field === "scales" || field === "columns") return null;
  // A board's own key (columns have keys too, in their rows).
  const control = form.elements[field === "key" ? "board_key" : field];
  return control instanceof Element ? control : null;
}

/** Move a list row up or down, or remove it; `after()` once done. */
function moveRow(row, action, after) {
  if (action === "up" && row.previousElementSibling) row.previousElementSibling.before(row);
  else if (action === "down" && row.nextElementSibling) row.nextElementSibling.after(row);
  else if (action === "remove") {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    next?.querySelector("input")?.focus();
  }
  after();
  if (action !== "remove") row.querySelector(`[data-${row.dataset.scaleKey !== undefined ? "scale" : "column"}-action="${action}"]`)?.focus();
}
