"""Where the pages are: webui/, shipped inside the hallserver folder as hallserver/webui.

In a checkout hallserver/webui is a link to the repository's webui/, so developers edit the pages
where they always were; a wheel (`pip install .`, pipx) carries the files themselves. A hall or a
central without its pages would answer 404 for every page, silently: `required` refuses instead.
"""

from __future__ import annotations

from pathlib import Path

import click

# What each server cannot do without: the hall's front door and the candidate's pages, the
# central's page and the shared layer its page imports.
HALL_PAGES = ("student/index.html", "student/exam.html", "staff/index.html",
              "invigilator/index.html", "admin/index.html", "shared/api.js")
CENTRAL_PAGES = ("central/index.html", "shared/api.js")


class PagesMissing(Exception):
    """The pages are not where the installed package says they are."""


def pages_dir() -> Path:
    """The folder holding every page (it may not exist in a broken install)."""
    # The pages ship in the hallserver folder of this same distribution; found by path, not by
    # import, so the central never imports the hall.
    return (Path(__file__).resolve().parent.parent / "hallserver" / "webui").resolve()


def required(names: tuple[str, ...] = HALL_PAGES) -> Path:
    """The pages folder, or PagesMissing naming what is not there and what to do."""
    folder = pages_dir()
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise PagesMissing(
            f"the pages are missing from {folder} ({', '.join(missing)}): this install of "
            "examhall is incomplete. Reinstall it from a wheel or the source tree "
            "(pip install examhall-*.whl, or pip install . in a checkout).")
    return folder


def require_pages(names: tuple[str, ...] = HALL_PAGES) -> None:
    """Refuse to serve, before anything starts, when this install lacks its pages."""
    try:
        required(names)
    except PagesMissing as err:
        raise click.ClickException(str(err)) from err
