"""Helpers of the language and tools tests: exams in a language with tools, axe-core, catalogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.halls import EXAM

LOCALES = Path(__file__).resolve().parents[2] / "webui" / "locales"
SERIOUS = {"serious", "critical"}


def exam_in(language: str | None, tools: dict[str, Any] | None = None,
            questions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The tests' exam (MTH101) in `language`, allowing `tools`."""
    exam = {**EXAM}
    if language:
        exam["language"] = language
    if tools is not None:
        exam["tools"] = tools
    if questions is not None:
        exam["questions"] = questions
    return exam


def catalog(language: str) -> dict[str, Any]:
    """The compiled catalog the pages load for `language`."""
    return json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (axe is injected
    by the test only; candidates are never served it). A colour still on its way (a button's
    120 ms transition to red, just enabled) is measured where it ends, not half-way."""
    page.evaluate("""() => document.getAnimations().forEach((animation) => {
      try { animation.finish(); } catch { /* an endless animation has no end to jump to */ }
    })""")
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            f"{[node['target'] for node in v['nodes']][:5]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


def english_left_over(page: Page, language: str) -> list[str]:
    """Texts on screen that are an English message whose translation differs (the exam's own
    words, its questions and options, are the author's: not counted)."""
    messages = catalog(language)["messages"]
    english = {message for message, translated in messages.items()
               if isinstance(translated, str) and translated != message}
    return [text for text in shown_texts(page, skip=EXAM_CONTENT) if text in english]


EXAM_CONTENT = "#question-text, .option-text"


def shown_texts(page: Page, skip: str = "script") -> list[str]:
    """Every piece of text the page shows (visible text nodes, spaces collapsed), but for what
    is inside the elements `skip` selects."""
    return page.evaluate("""(skip) => {
      const found = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.data.replace(/\\s+/g, " ").trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest("[hidden], dialog:not([open]), script, style")) continue;
        if (parent.closest(skip)) continue;
        if (!parent.checkVisibility()) continue;
        found.push(text);
      }
      return found;
    }""", skip)
