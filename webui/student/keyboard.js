// Keyboard shortcuts of the exam page. Every action also has a button reachable with Tab; these
// make the common ones one key: option letters (or 1–9), ← and → for previous and next, M to
// mark for review (Shift+M when a question has an option "M"), S to save now.

function typingInto(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  return target.tagName === "INPUT" && !["radio", "checkbox", "button"].includes(target.type);
}

/**
 * Installs the shortcuts. actions: blocked() → true while a dialog is open or the page is
 * locked; optionKeys() → the current question's option keys; choose(key); chooseNth(index);
 * previous(); next(); mark(); save().
 */
export function installShortcuts(actions) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (actions.blocked() || typingInto(event.target)) return;
    const handled = handle(event, actions);
    if (handled) event.preventDefault();
  });
}

function handle(event, actions) {
  const { key } = event;
  // Right to left, "previous" is to the right: the arrows follow the page's direction.
  const rtl = document.documentElement.dir === "rtl";
  if (key === (rtl ? "ArrowRight" : "ArrowLeft")) return actions.previous(), true;
  if (key === (rtl ? "ArrowLeft" : "ArrowRight")) return actions.next(), true;
  if (key.length !== 1) return false;
  const lower = key.toLowerCase();
  const options = actions.optionKeys().map((option) => option.toLowerCase());
  if (lower === "m" && (event.shiftKey || !options.includes("m"))) return actions.mark(), true;
  if (options.includes(lower) && !event.shiftKey) return actions.choose(lower);
  if (/^[1-9]$/.test(key)) return actions.chooseNth(Number(key) - 1);
  if (lower === "s" && !options.includes("s")) return actions.save(), true;
  return false;
}
