// The highlighter: the candidate selects words of the question and highlights them (the tool's
// button, or H). Highlights are kept as character spans of the question's text in the session's
// tool_state, so they come back after a reload or on another PC; Clear removes this question's.

/** The [start, end] spans of the question's text, merged and sorted. */
export function mergeSpans(spans) {
  const sorted = spans.filter(([s, e]) => e > s).map(([s, e]) => [s, e]).sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

function offsetIn(root, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(root);
  range.setEnd(node, offset);
  return range.toString().length;
}

/** The span of the current selection inside `root`, or null when nothing of it is selected. */
export function selectedSpan(root) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return null;
  const start = offsetIn(root, range.startContainer, range.startOffset);
  const end = offsetIn(root, range.endContainer, range.endOffset);
  return end > start ? [start, end] : null;
}

/** Wraps the spans of `root`'s text in <mark class="highlight">. */
export function paintSpans(root, spans) {
  if (!spans.length) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let at = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, at]);
    at += node.data.length;
  }
  for (const [node, start] of nodes) {
    const end = start + node.data.length;
    const cuts = spans.filter(([s, e]) => s < end && e > start)
      .map(([s, e]) => [Math.max(s, start) - start, Math.min(e, end) - start]);
    if (!cuts.length) continue;
    const pieces = document.createDocumentFragment();
    let from = 0;
    for (const [s, e] of cuts) {
      if (s > from) pieces.append(node.data.slice(from, s));
      const mark = document.createElement("mark");
      mark.className = "highlight";
      mark.textContent = node.data.slice(s, e);
      pieces.append(mark);
      from = e;
    }
    if (from < node.data.length) pieces.append(node.data.slice(from));
    node.replaceWith(pieces);
  }
}

/** The [start, end] span of every word of `root`'s text. */
export function wordSpans(root) {
  return [...root.textContent.matchAll(/\S+/g)].map((match) => [match.index, match.index + match[0].length]);
}

function pointAt(root, offset) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let at = 0;
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (offset <= at + node.data.length) return [node, offset - at];
    at += node.data.length;
    last = node;
  }
  return last ? [last, last.data.length] : [root, 0];
}

/** Selects the span [start, end] of `root`'s text (what the keyboard path of the tool does). */
export function selectSpan(root, [start, end]) {
  const [startNode, startOffset] = pointAt(root, start);
  const [endNode, endOffset] = pointAt(root, end);
  window.getSelection()?.setBaseAndExtent(startNode, startOffset, endNode, endOffset);
}

/**
 * The keyboard path: with the question's text focused, ← and → select a word (the reading
 * direction of the page: mirrored right to left), Shift extends the selection, Enter highlights.
 */
export function selectWordsByKeyboard(root, { onHighlight }) {
  let anchor = -1;
  let focus = -1;
  root.addEventListener("keydown", (event) => {
    const words = wordSpans(root);
    if (!words.length || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" && focus >= 0) {
      event.preventDefault();
      onHighlight();
      anchor = focus = -1;
      return;
    }
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();   // the page's arrows (previous, next) stay out of the text
    const rtl = getComputedStyle(root).direction === "rtl";
    const forward = (event.key === "ArrowRight") !== rtl;
    focus = Math.max(0, Math.min(words.length - 1, focus < 0 ? 0 : focus + (forward ? 1 : -1)));
    if (!event.shiftKey || anchor < 0) anchor = focus;
    const [from, to] = [Math.min(anchor, focus), Math.max(anchor, focus)];
    selectSpan(root, [words[from][0], words[to][1]]);
  });
}
