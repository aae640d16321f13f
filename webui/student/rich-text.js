// A question's HTML (sanitised by the hall) put on the page, checked once more here.
//
// The hall already cleans item HTML (hallserver/domain/sanitise.py). This keeps the same
// allow-list on the page side too, so a mistake on one side is not a script in a candidate's
// browser: unknown elements are replaced by their text, unknown attributes dropped, and an image
// may only come from the hall's own /exam-assets/ address.

const HTML_TAGS = new Set([
  "p", "div", "span", "br", "hr", "b", "i", "em", "strong", "u", "s", "sub", "sup", "small",
  "big", "code", "pre", "kbd", "samp", "var", "blockquote", "q", "cite", "dfn", "abbr",
  "acronym", "address", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead",
  "tbody", "tfoot", "tr", "td", "th", "colgroup", "col", "img", "h1", "h2", "h3", "h4", "h5",
  "h6", "figure", "figcaption",
]);
const MATHML_TAGS = new Set([
  "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
  "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
  "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
  "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
]);
const ATTRIBUTES = {
  "*": ["dir", "lang", "title"],
  img: ["src", "alt", "width", "height"],
  td: ["colspan", "rowspan", "align", "valign"],
  th: ["colspan", "rowspan", "align", "valign", "scope"],
  col: ["span"], colgroup: ["span"],
  ol: ["start", "type", "reversed"], ul: ["type"], li: ["value"],
  math: ["display"], mfrac: ["linethickness"], mfenced: ["open", "close", "separators"],
  mo: ["stretchy", "fence", "separator", "form", "largeop"],
  mi: ["mathvariant"], mn: ["mathvariant"], mtext: ["mathvariant"],
  mstyle: ["displaystyle", "scriptlevel", "mathvariant"], mspace: ["width", "height"],
  menclose: ["notation"], mtd: ["columnspan", "rowspan"],
};
const CLASSES = { span: ["answer-gap", "missing-image", "hottext"], div: ["prompt", "interaction"] };
const ASSET_PREFIX = "/exam-assets/";

function allowedAttribute(tag, name, value) {
  if (name === "class") return (CLASSES[tag] || []).includes(value);
  if (!ATTRIBUTES["*"].includes(name) && !(ATTRIBUTES[tag] || []).includes(name)) return false;
  if (tag === "img" && name === "src") return value.startsWith(ASSET_PREFIX) && !value.includes("//");
  return true;
}

function clean(node) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) continue;
    if (child.nodeType !== Node.ELEMENT_NODE) {
      child.remove();
      continue;
    }
    const tag = child.localName;
    if (!HTML_TAGS.has(tag) && !MATHML_TAGS.has(tag)) {
      child.replaceWith(document.createTextNode(child.textContent));
      continue;
    }
    for (const attribute of [...child.attributes]) {
      if (!allowedAttribute(tag, attribute.name, attribute.value)) child.removeAttribute(attribute.name);
    }
    clean(child);
  }
}

/** A fragment of the question's HTML, checked against the allow-list. */
export function richText(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  clean(template.content);
  return template.content;
}

/** Every image address in these HTML strings (to fetch them ahead, for offline use). */
export function imageSources(htmlStrings) {
  const found = new Set();
  for (const html of htmlStrings) {
    if (!html) continue;
    for (const image of richText(html).querySelectorAll("img[src]")) found.add(image.getAttribute("src"));
  }
  return [...found];
}
