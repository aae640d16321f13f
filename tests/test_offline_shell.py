"""The service worker's list of the pages it keeps on a PC: every file it names exists, and none is
named twice (the browser refuses the whole list then, and no page is kept offline: a reload while
the hall is down would show nothing)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

WEBUI = Path(__file__).resolve().parent.parent / "webui"


def _shell() -> list[str]:
    source = (WEBUI / "sw.js").read_text(encoding="utf-8")
    listed = re.search(r"const SHELL = \[(.*?)\];", source, re.DOTALL)
    assert listed, "sw.js has no SHELL list"
    return re.findall(r'"(/ui/[^"]+)"', listed.group(1))


def test_the_offline_pages_name_each_file_once_and_every_file_exists():
    shell = _shell()
    assert len(shell) > 20
    twice = [path for path, count in Counter(shell).items() if count > 1]
    assert not twice, f"named twice in sw.js's SHELL: {twice}"
    missing = [path for path in shell if not (WEBUI / path.removeprefix("/ui/")).is_file()]
    assert not missing, f"sw.js keeps files that do not exist: {missing}"


def _loaded_by_the_candidates_pages() -> set[str]:
    """Every file the candidate's two pages load: their scripts and styles, and every module
    those scripts import, followed from file to file."""
    pages = [WEBUI / "student" / "index.html", WEBUI / "student" / "exam.html"]
    seen: set[Path] = set(pages)
    todo = list(pages)
    while todo:
        current = todo.pop()
        text = current.read_text(encoding="utf-8")
        if current.suffix == ".html":
            found = re.findall(r'(?:src|href)="([^"#:]+\.(?:js|css))"', text)
        elif current.suffix == ".js":
            found = re.findall(r'(?:from|import)\s*\(?\s*"(\.{1,2}/[^"]+)"', text)
        else:
            found = []
        for link in found:
            target = (current.parent / link).resolve()
            if target not in seen and target.is_file():
                seen.add(target)
                todo.append(target)
    return {f"/ui/{path.relative_to(WEBUI).as_posix()}" for path in seen}


def test_every_file_the_candidates_pages_load_is_kept_offline():
    loaded = _loaded_by_the_candidates_pages()
    assert "/ui/student/kinds/order.js" in loaded and "/ui/shared/i18n.js" in loaded
    forgotten = sorted(loaded - set(_shell()))
    assert not forgotten, f"the candidate's pages load files sw.js does not keep: {forgotten}"
