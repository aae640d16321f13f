// A hotspot: areas of the question's image the candidate chooses. Each area is a toggle button
// laid over the image where the area is (its place in the image's own pixels, as a share of
// them, so it follows the image as it is scaled), named by the item's label for it, or
// "Area 2". The answer is the list of the chosen areas' keys; at most `max_choices` of them.
// Keyboard: Tab from area to area, Space or Enter to choose.

import { el } from "../../shared/dom.js";
import { t, tn } from "../../shared/i18n.js";

/** The box around an area ("SHAPE COORDS"), in the image's pixels: [left, top, right, bottom]. */
function box(area) {
  const [shape, coords = ""] = area.split(" ");
  const n = coords.split(",").map(Number);
  if (shape === "circle") return [n[0] - n[2], n[1] - n[2], n[0] + n[2], n[1] + n[2]];
  if (shape === "ellipse") return [n[0] - n[2], n[1] - n[3], n[0] + n[2], n[1] + n[3]];
  if (shape === "rect") return n.slice(0, 4);
  const xs = n.filter((_, i) => i % 2 === 0);
  const ys = n.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function label(text) {
  return /^\d+$/.test(text) ? t("Area {number}", { number: text }) : text;
}

function place(button, area, image) {
  const [left, top, right, bottom] = box(area);
  const width = image.naturalWidth || image.width || 1;
  const height = image.naturalHeight || image.height || 1;
  Object.assign(button.style, {
    left: `${(left / width) * 100}%`, top: `${(top / height) * 100}%`,
    width: `${((right - left) / width) * 100}%`, height: `${((bottom - top) / height) * 100}%`,
  });
}

/** Lays the areas over the stem's image; calls onChange(keys or null) on every change. */
export function hotspot(question, value, onChange, stem) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  const most = question.max_choices || 0;
  const image = stem.querySelector(".interaction img");
  const frame = el("div", { className: "hotspot-frame" });
  image?.replaceWith(frame);
  if (image) frame.append(image);
  const buttons = Object.entries(question.areas || {}).map(([key, area]) => {
    const button = el("button", { className: `hotspot-area hotspot-${area.split(" ")[0]}`,
      attrs: { type: "button", "aria-label": label((question.options || {})[key] ?? key) } });
    button.dataset.key = key;
    button.setAttribute("aria-pressed", String(chosen.has(key)));
    frame.append(button);
    return [button, area];
  });
  const layout = () => { for (const [button, area] of buttons) place(button, area, image); };
  if (image && !image.complete) image.addEventListener("load", layout, { once: true });
  if (image) layout();
  const pressed = () => buttons.map(([b]) => b).filter((b) => b.getAttribute("aria-pressed") === "true");
  for (const [button] of buttons) {
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      if (on && most === 1) for (const [other] of buttons) other.setAttribute("aria-pressed", "false");
      else if (on && most && pressed().length >= most) return;
      button.setAttribute("aria-pressed", String(on));
      const keys = pressed().map((b) => b.dataset.key);
      onChange(keys.length ? keys : null);
    });
  }
  const hint = el("p", { className: "question-hint", text: most === 1
    ? t("Choose one area of the picture.")
    : most ? tn("Choose up to {count} areas of the picture.", "Choose up to {count} areas of the picture.", most)
      : t("Choose every area of the picture that answers the question.") });
  hint.id = "kind-hint";
  for (const [button] of buttons) button.setAttribute("aria-describedby", hint.id);
  return hint;
}
