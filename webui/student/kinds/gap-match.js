// A gap match: a list box in each gap of the text, offering the gap texts; the answer is the
// list of pairs "TEXT GAP" (QTI's directedPair), one for each gap filled.
// Keyboard: Tab from gap to gap, ↑ ↓ to choose; each box is named "Gap 1", "Gap 2"...
// Gap texts that are pictures (QTI gapImg) cannot be drawn in a list box: the pictures are shown
// above the text, each captioned with the name its list entry has.

import { el } from "../../shared/dom.js";
import { formatNumber, t } from "../../shared/i18n.js";
import { richText } from "../rich-text.js";
import { hintFor, optionList, placesIn } from "./in-text.js";

const PICTURE = /<img\b/i;

/** The pictures among the gap texts, each with its caption, after the prompt; how many there are. */
function showPictures(question, stem) {
  const pictures = Object.entries(question.options_html || {}).filter(([, html]) => PICTURE.test(html || ""));
  if (!pictures.length) return 0;
  const list = el("ul", { className: "gap-pictures", attrs: { "aria-label": t("The pictures to put in the gaps") } });
  for (const [key, html] of pictures) {
    const figure = el("figure", {}, richText(html), el("figcaption", { text: question.options[key] }));
    for (const image of figure.querySelectorAll("img")) image.alt = "";  // the caption names it
    list.append(el("li", {}, figure));
  }
  const host = stem.querySelector(".interaction") || stem;
  const prompt = host.querySelector(":scope > .prompt");
  if (prompt) prompt.after(list);
  else host.prepend(list);
  return pictures.length;
}

/** Puts a list box in each gap; calls onChange(pairs or null) on every change. */
export function gapMatch(question, value, onChange, stem) {
  const placed = new Map((Array.isArray(value) ? value : []).map((pair) => {
    const [text, gap] = pair.split(" ");
    return [gap, text];
  }));
  const pictures = showPictures(question, stem);
  const allPictures = pictures > 0 && pictures === Object.keys(question.options || {}).length;
  const gaps = Object.keys(question.stems || {});
  const boxes = placesIn(stem, ".answer-gap").slice(0, gaps.length).map((place, index) => {
    const gap = gaps[index];
    const select = optionList(question, placed.get(gap),
      t("Gap {number}", { number: formatNumber(index + 1) }));
    select.dataset.gap = gap;
    place.append(select);
    return select;
  });
  const changed = () => {
    const pairs = boxes.filter((box) => box.value).map((box) => `${box.value} ${box.dataset.gap}`);
    onChange(pairs.length ? pairs : null);
  };
  for (const box of boxes) box.addEventListener("change", changed);
  return hintFor(boxes, allPictures ? t("Choose a picture for each gap from its list.")
    : t("Choose a word for each gap from its list."));
}
