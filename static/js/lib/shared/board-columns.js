// Keep the boards a page drew (the `columns` macro of _board.html) as the organiser edits them:
// a board's kind, its columns' labels and hints follow at once; a column added is drawn, one removed
// (it held no card) goes, and a board added is drawn beside the others, hidden until a phase shows it.

/** Return the part of a heading id before the column key: "col-four_questions" for "col-four_questions-pourquoi". */
function prefixOf(section) {
  const heading = section.querySelector(".column__title");
  const suffix = `-${section.dataset.column}`;
  return heading && heading.id.endsWith(suffix) ? heading.id.slice(0, -suffix.length) : "";
}

/** Return a new, empty column section like `model`, for `column`. */
function newSection(model, prefix, column) {
  const section = model.cloneNode(true);
  const oldId = model.querySelector(".column__title").id;
  const id = `${prefix}-${column.key}`;
  section.dataset.column = column.key;
  section.setAttribute("aria-labelledby", (model.getAttribute("aria-labelledby") || "").replace(oldId, id));
  section.querySelector(".column__title").id = id;
  const list = section.querySelector("[data-cards]");
  list.dataset.cards = column.key;
  list.replaceChildren();
  const count = section.querySelector("[data-count]");
  if (count) count.textContent = "0";
  const empty = section.querySelector("[data-empty]");
  if (empty) {
    empty.hidden = false;
    if (empty.dataset.text) empty.textContent = empty.dataset.text;
  }
  const write = section.querySelector("[data-write]");
  if (write) {
    write.dataset.write = column.key;
    write.setAttribute("aria-describedby", id);
  }
  section.querySelector(".column__hint")?.remove();
  return section;
}

/** Write a column's label and (on pages that show them) its hint into its section. */
function label(section, column, hints) {
  const title = section.querySelector(".column__title");
  if (title.textContent !== column.label) title.textContent = column.label;
  if (!hints) return;
  let hint = section.querySelector(".column__hint");
  if (column.hint && !hint) {
    hint = document.createElement("p");
    hint.className = "column__hint";
    section.querySelector(".column__head").after(hint);
  }
  if (hint && !column.hint) hint.remove();
  else if (hint && hint.textContent !== column.hint) hint.textContent = column.hint;
}

/**
 * Make one `.columns` node show `board`; return true if its columns changed (added, removed,
 * moved), for its BoardView to find them again.
 */
export function syncColumns(node, board) {
  const kind = board.kind || "grid";
  if (node.dataset.boardKind !== kind) {
    node.classList.replace(`columns--${node.dataset.boardKind}`, `columns--${kind}`);
    node.dataset.boardKind = kind;
  }
  const sections = [...node.querySelectorAll(":scope > [data-column]")];
  const hints = node.hasAttribute("data-hints");
  const before = sections.map((section) => section.dataset.column);
  const after = board.columns.map((column) => column.key);
  const byKey = new Map(sections.map((section) => [section.dataset.column, section]));
  const model = sections[0];
  const prefix = model ? prefixOf(model) : "";
  const wanted = board.columns.map((column) => {
    const section = byKey.get(column.key) || newSection(model, prefix, column);
    label(section, column, hints);
    return section;
  });
  if (before.join() === after.join()) return false;
  for (const section of sections) if (!after.includes(section.dataset.column)) section.remove();
  node.append(...wanted);
  return true;
}

/**
 * Draw `board` beside `model` (another board's `.columns` node, in the same room), hidden;
 * return the new node.
 */
export function addBoardNode(model, board) {
  const node = model.cloneNode(true);
  const sections = [...node.querySelectorAll(":scope > [data-column]")];
  const modelKey = model.dataset.board;
  const boardPrefix = sections.length ? prefixOf(sections[0]) : "";
  const roomPrefix = boardPrefix.endsWith(modelKey) ? boardPrefix.slice(0, -modelKey.length) : `${boardPrefix}-`;
  node.dataset.board = board.key;
  node.hidden = true;
  // One empty column carries the new board's prefix; syncColumns draws the others from it.
  const first = sections.shift();
  for (const section of sections) section.remove();
  if (first) first.replaceWith(newSection(first, `${roomPrefix}${board.key}`, board.columns[0]));
  const siblings = model.parentElement.querySelectorAll(":scope > .columns[data-board]");
  siblings[siblings.length - 1].after(node);
  syncColumns(node, board);
  return node;
}
