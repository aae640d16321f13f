"""WCAG 2.1 AA colour contrast of what a page shows, measured in the browser itself.

Every visible element with text of its own is checked: its colour against the first opaque
background behind it, 4.5:1 for normal text and 3:1 for large text (24 px, or 18.66 px bold).
Disabled controls are exempt, as WCAG exempts inactive components.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

_MEASURE_JS = """() => {
  const rgba = (text) => {
    const parts = text.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.a >= 0.99) return colour;
    }
    return rgba(getComputedStyle(document.documentElement).backgroundColor || "rgb(255,255,255)");
  };
  const ownText = (element) => [...element.childNodes]
    .some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "");
  const failures = [];
  let checked = 0;
  for (const element of document.body.querySelectorAll("*")) {
    if (!ownText(element) || element.getClientRects().length === 0) continue;
    if (element.closest("[disabled], .visually-hidden, [hidden]")) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const fg = rgba(style.color);
    const bg = background(element);
    const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    checked += 1;
    if (ratio < needed) {
      failures.push({ text: element.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100,
                      needed, color: style.color, background: `rgb(${bg.r}, ${bg.g}, ${bg.b})` });
    }
  }
  return { checked, failures };
}"""


def contrast_failures(page: Page) -> dict[str, Any]:
    """{"checked": n, "failures": [...]} for the page as it is on screen now."""
    return page.evaluate(_MEASURE_JS)
