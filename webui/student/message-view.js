// A whole-page message in place of the exam: submitted, time up, cannot open. It takes focus so
// a screen reader reads it at once.

/** Shows {title, paragraphs: [text], actions: [{text, href} | {text, onClick}]}. */
export function showMessage({ title, paragraphs = [], actions = [] }) {
  const view = document.getElementById("message-view");
  const main = document.getElementById("exam-main");
  if (main) main.hidden = true;
  document.getElementById("message-title").textContent = title;
  document.getElementById("message-body").replaceChildren(...paragraphs.filter(Boolean).map((text) => {
    const paragraph = document.createElement("p");
    paragraph.textContent = text;
    return paragraph;
  }));
  document.getElementById("message-actions").replaceChildren(...actions.map((action, index) => {
    const control = document.createElement(action.href ? "a" : "button");
    control.className = index === 0 ? "button primary" : "button";
    control.textContent = action.text;
    if (action.href) control.href = action.href;
    else {
      control.type = "button";
      control.addEventListener("click", action.onClick);
    }
    return control;
  }));
  view.hidden = false;
  view.focus();
}
