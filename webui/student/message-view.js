// A whole-page message in place of the exam: submitted, time up, cannot open. It takes focus so
// a screen reader reads it at once.

import { $, el } from "../shared/dom.js";

function actionControl(action, index) {
  const className = index === 0 ? "button primary" : "button";
  if (action.href) return el("a", { className, text: action.text, attrs: { href: action.href } });
  const control = el("button", { className, text: action.text, attrs: { type: "button" } });
  control.addEventListener("click", action.onClick);
  return control;
}

/** Shows {title, paragraphs: [text], actions: [{text, href} | {text, onClick}]}. */
export function showMessage({ title, paragraphs = [], actions = [] }) {
  const view = $("message-view");
  const main = $("exam-main");
  if (main) main.hidden = true;
  $("message-title").textContent = title;
  $("message-body").replaceChildren(...paragraphs.filter(Boolean).map((text) => el("p", { text })));
  $("message-actions").replaceChildren(...actions.map(actionControl));
  view.hidden = false;
  view.focus();
}

/** The hall says the exam is over (`code`: session_completed or time_over), in its `message`. */
export function showExamEnded(code, message) {
  showMessage({
    title: code === "time_over" ? "Time is up" : "This exam is already submitted",
    paragraphs: [message, "You can leave your seat when the invigilator says so."],
    actions: [{ text: "Finish", href: "index.html" }],
  });
}
