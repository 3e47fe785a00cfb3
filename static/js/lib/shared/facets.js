// The case-study board's filter bar: cards by role, by their author's scale, and grouped by either.
// One bar per room on phones and consoles, one for every room on the plenary screen.
import { t } from "./i18n.js";
import { el } from "./dom.js";

const NONE = "__none__"; // the group of cards without a role (or scale)
const GROUPINGS = [
  ["", t("rien")],
  ["role", t("rôle")],
  ["scale", t("échelle")],
];

export class Facets {
  /**
   * Build the bar into `root` (an empty element); `id` makes its fields' ids unique in the page.
   * `onChange()` runs when a choice changes.
   */
  constructor(root, { id, onChange = () => {} }) {
    this.root = root;
    this.onChange = onChange;
    this.roles = [];
    this.scales = []; // [{key, label}]
    const field = (name, label) => {
      const select = el("select", { class: "input facets__select", id: `${id}-${name}`, "data-facet": name });
      select.addEventListener("change", () => this.onChange());
      return [el("div", { class: "facets__field" }, el("label", { class: "facets__label", for: select.id }, label), select), select];
    };
    const [roleField, role] = field("role", t("Rôle"));
    const [scaleField, scale] = field("scale", t("Échelle"));
    const [groupField, group] = field("group", t("Regrouper par"));
    group.replaceChildren(...GROUPINGS.map(([value, label]) => el("option", { value }, label)));
    this.fields = { role, scale, group };
    root.classList.add("facets");
    root.replaceChildren(roleField, scaleField, groupField);
    this.setChoices({ roles: [], scales: [] });
  }

  /** Offer these roles (protagonists' names) and scales ({key, label}); a choice still offered stays. */
  setChoices({ roles, scales }) {
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (same(roles, this.roles) && same(scales, this.scales) && this.fields.role.options.length) return;
    this.roles = [...roles];
    this.scales = scales.map(({ key, label }) => ({ key, label }));
    const refill = (select, all, options) => {
      const chosen = select.value;
      select.replaceChildren(el("option", { value: "" }, all), ...options.map(([value, label]) => el("option", { value }, label)));
      select.value = options.some(([value]) => value === chosen) ? chosen : "";
    };
    refill(this.fields.role, t("tous"), this.roles.map((role) => [role, role]));
    refill(this.fields.scale, t("toutes"), this.scales.map(({ key, label }) => [key, label]));
  }

  /** Tell whether a card passes the chosen role and scale. */
  test(card) {
    const role = this.fields.role.value;
    const scale = this.fields.scale.value;
    if (role && card.role !== role) return false;
    if (scale && (card.author && card.author.scale) !== scale) return false;
    return true;
  }

  /** Return what is chosen, in words ("Élu·e communautaire", "Commune", "par rôle"); empty for all cards. */
  chosen() {
    const { role, scale, group } = this.fields;
    const label = (select) => select.selectedOptions[0]?.textContent || select.value;
    return [
      role.value ? label(role) : null,
      scale.value ? label(scale) : null,
      group.value ? t("par {what}", { what: label(group) }) : null,
    ].filter(Boolean);
  }

  /** Tell whether a role or a scale is chosen. */
  get filtering() {
    return Boolean(this.fields.role.value || this.fields.scale.value);
  }

  /** Return BoardView's `groupBy` for the chosen grouping, or null. */
  grouping() {
    const by = this.fields.group.value;
    if (by === "role") {
      return {
        of: (card) => card.role || NONE,
        label: (key) => (key === NONE ? t("Sans rôle") : key),
        order: [...this.roles, NONE],
      };
    }
    if (by === "scale") {
      const labels = new Map(this.scales.map(({ key, label }) => [key, label]));
      return {
        of: (card) => (card.author && card.author.scale) || NONE,
        label: (key) => (key === NONE ? t("Sans échelle") : labels.get(key) || key),
        order: [...this.scales.map(({ key }) => key), NONE],
      };
    }
    return null;
  }

  /** Give `view` (a BoardView) this bar's filter and grouping. */
  applyTo(view) {
    view.filter = this.filtering ? (card) => this.test(card) : null;
    view.groupBy = this.grouping();
  }
}

/** Return the roles a filter offers for these situations: their protagonists, each once, in order. */
export function rolesOf(situations) {
  const roles = [];
  for (const situation of situations) {
    for (const role of (situation && situation.protagonists) || []) if (!roles.includes(role)) roles.push(role);
  }
  return roles;
}
