// A whole-page message in place of the exam: submitted, time up, cannot open. It takes focus so
// a screen reader reads it at once.

import { $, el } from "../shared/dom.js";
import { N_, t } from "../shared/i18n.js";
import { hallErrorText } from "../shared/text.js";

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

const ENDED_TITLES = {
  force_submitted: N_("An invigilator submitted your exam"),
  sitting_ended: N_("The invigilator ended the exam"),
  time_over: N_("Time is up"),
};

/**
 * The hall says the exam is over (`code`: session_completed or time_over; `reason`: how it
 * ended, when the hall said: force_submitted, sitting_ended...), in its `message`.
 */
export function showExamEnded(code, message, reason = null) {
  showMessage({
    title: t(ENDED_TITLES[reason] || ENDED_TITLES[code] || N_("This exam is already submitted")),
    paragraphs: [hallErrorText({ code, message }), t("You can leave your seat when the invigilator says so.")],
    actions: [{ text: t("Finish"), href: "index.html" }],
  });
}
