// An order question: the options as a numbered list the candidate rearranges; the answer is the
// option keys in the candidate's order (QTI's ordered identifiers).
// Keyboard: Tab to an item's "Move up" or "Move down" button, Enter or Space; the move is said
// aloud and the focus stays on the item moved. Pointer: drag an item to its place.
// The order shown first is not an answer until the candidate moves something or keeps it.

import { announce, el } from "../../shared/dom.js";
import { formatNumber, t } from "../../shared/i18n.js";

function startingOrder(question, value) {
  const keys = Object.keys(question.options || {});
  if (!Array.isArray(value)) return keys;
  const given = value.filter((key) => keys.includes(key));
  return [...given, ...keys.filter((key) => !given.includes(key))];
}

/** The list for `question` showing `value`; calls onChange(keys) once the candidate orders it. */
export function orderList(question, value, onChange) {
  let order = startingOrder(question, value);
  let answered = Array.isArray(value);
  const options = question.options || {};
  const list = el("ol", { className: "order-list" });
  list.setAttribute("aria-labelledby", "question-text");
  const said = el("p", { className: "visually-hidden", attrs: { "aria-live": "polite" } });
  const keep = el("button", { className: "order-keep", text: t("Keep this order as my answer"),
    attrs: { type: "button" } });
  const hint = el("p", { className: "question-hint" });
  hint.id = "kind-hint";

  const commit = () => {
    answered = true;
    onChange([...order]);
  };
  const move = (key, to, focusOn) => {
    const from = order.indexOf(key);
    if (to < 0 || to >= order.length || to === from) return;
    order.splice(from, 1);
    order.splice(to, 0, key);
    draw();
    commit();
    announce(said, t("{item} is now number {position} of {count}.", {
      item: options[key], position: formatNumber(to + 1), count: formatNumber(order.length) }));
    const item = list.querySelector(`li[data-key="${CSS.escape(key)}"]`);
    const button = item?.querySelector(`.${focusOn}:not([disabled])`) || item?.querySelector("button:not([disabled])");
    button?.focus();
  };

  let dragged = null;
  const item = (key, index) => {
    const li = el("li", { className: "order-item", attrs: { draggable: "true" } });
    li.dataset.key = key;
    li.setAttribute("aria-describedby", hint.id);
    const text = el("span", { className: "order-text", text: options[key], attrs: { dir: "auto" } });
    const up = el("button", { className: "order-up", text: "↑", attrs: { type: "button",
      "aria-label": t("Move {item} up", { item: options[key] }) } });
    const down = el("button", { className: "order-down", text: "↓", attrs: { type: "button",
      "aria-label": t("Move {item} down", { item: options[key] }) } });
    up.disabled = index === 0;
    down.disabled = index === order.length - 1;
    up.addEventListener("click", () => move(key, order.indexOf(key) - 1, "order-up"));
    down.addEventListener("click", () => move(key, order.indexOf(key) + 1, "order-down"));
    li.addEventListener("dragstart", (event) => {
      dragged = key;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", key);
    });
    li.addEventListener("dragover", (event) => event.preventDefault());
    li.addEventListener("drop", (event) => {
      event.preventDefault();
      if (dragged !== null && dragged !== key) move(dragged, order.indexOf(key), "order-up");
      dragged = null;
    });
    li.append(text, up, down);
    return li;
  };
  const draw = () => {
    list.replaceChildren(...order.map(item));
    keep.hidden = answered;
    hint.textContent = answered
      ? t("Move each item with its buttons, or drag it, until the list is in the right order.")
      : t("This order is not yet your answer: move an item, or keep the order as it is.");
  };
  keep.addEventListener("click", () => {
    commit();
    draw();
    list.querySelector("button:not([disabled])")?.focus();
  });
  draw();
  const wrap = el("div", { className: "order-question" });
  wrap.append(list, keep, hint, said);
  return wrap;
}
