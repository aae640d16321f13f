// A select point: points the candidate puts on the question's image; the answer is the list of
// points "X Y" in the image's own pixels (QTI's point), at most `max_choices` of them.
// Pointer: click the image to put a point (with one allowed, a click moves it); click a point to
// take it away. Keyboard: Tab to the cross, move it with the arrow keys (Shift: finer), Enter or
// Space puts a point there; each point is a button that takes it away. Each change is said aloud.

import { announce, el } from "../../shared/dom.js";
import { t, tn } from "../../shared/i18n.js";

const STEP = 10;   // the cross's move per arrow key, in the image's pixels (Shift: 1)

function parse(where) {
  const [x, y] = where.split(" ").map(Number);
  return { x, y };
}

/** Lays the points over the stem's image; calls onChange(points or null) on every change. */
export function selectPoint(question, value, onChange, stem) {
  let points = Array.isArray(value) ? value.filter((p) => /^\d+ \d+$/.test(p)) : [];
  const most = question.max_choices || 0;
  const image = stem.querySelector(".interaction img");
  const frame = el("div", { className: "hotspot-frame point-frame" });
  const said = el("p", { className: "visually-hidden", attrs: { "aria-live": "polite" } });
  image?.replaceWith(frame);
  if (image) frame.append(image);
  const size = () => ({ width: image?.naturalWidth || image?.width || 1,
                        height: image?.naturalHeight || image?.height || 1 });
  const cursor = { x: 0, y: 0, placed: false };
  const cross = el("button", { className: "point-cursor", text: "+", attrs: { type: "button" } });
  const at = (node, { x, y }) => {
    const { width, height } = size();
    Object.assign(node.style, { left: `${(x / width) * 100}%`, top: `${(y / height) * 100}%` });
  };
  const nameCross = () => cross.setAttribute("aria-label",
    t("Put a point at {x}, {y} (arrow keys move it)", { x: String(cursor.x), y: String(cursor.y) }));

  const draw = () => {
    for (const marker of frame.querySelectorAll(".point-marker")) marker.remove();
    points.forEach((where) => {
      const { x, y } = parse(where);
      const marker = el("button", { className: "point-marker", attrs: { type: "button",
        "aria-label": t("Point at {x}, {y}: take it away", { x: String(x), y: String(y) }) } });
      at(marker, { x, y });
      marker.addEventListener("click", (event) => {
        event.stopPropagation();
        change(points.filter((p) => p !== where), t("Point taken away."));
        cross.focus();
      });
      frame.append(marker);
    });
  };
  const change = (next, words) => {
    points = next;
    draw();
    announce(said, words);
    onChange(points.length ? [...points] : null);
  };
  const put = (x, y) => {
    const where = `${Math.round(x)} ${Math.round(y)}`;
    if (points.includes(where)) return;
    if (most === 1) change([where], t("Point put at {x}, {y}.", { x: String(Math.round(x)), y: String(Math.round(y)) }));
    else if (!most || points.length < most) {
      change([...points, where], t("Point put at {x}, {y}.", { x: String(Math.round(x)), y: String(Math.round(y)) }));
    } else announce(said, tn("You have put {count} points, the most this question takes.",
      "You have put {count} points, the most this question takes.", most));
  };
  const layout = () => {
    // The cross starts in the picture's middle, once the picture's own size is known.
    if (!cursor.placed) {
      Object.assign(cursor, { x: Math.round(size().width / 2), y: Math.round(size().height / 2),
                              placed: Boolean(image?.naturalWidth) });
    }
    at(cross, cursor);
    nameCross();
    draw();
  };
  image?.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    put(((event.clientX - box.left) / box.width) * size().width,
        ((event.clientY - box.top) / box.height) * size().height);
  });
  cross.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 1 : STEP;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (!moves[event.key]) return;
    event.preventDefault();   // the page's ← → (previous, next question) wait while the cross moves
    event.stopPropagation();
    const { width, height } = size();
    cursor.x = Math.min(width, Math.max(0, cursor.x + moves[event.key][0]));
    cursor.y = Math.min(height, Math.max(0, cursor.y + moves[event.key][1]));
    at(cross, cursor);
    nameCross();
  });
  cross.addEventListener("click", () => put(cursor.x, cursor.y));
  frame.append(cross);
  if (image && !image.complete) image.addEventListener("load", layout, { once: true });
  layout();
  const hint = el("p", { className: "question-hint", text: most === 1
    ? t("Click the picture to put your point, or move the cross with the arrow keys and press Enter.")
    : t("Click the picture to put each point, or move the cross with the arrow keys and press Enter.") });
  hint.id = "kind-hint";
  cross.setAttribute("aria-describedby", hint.id);
  const wrap = el("div");
  wrap.append(hint, said);
  return wrap;
}
