"""The `hall` command: parses arguments, loads the config, calls the hall. No logic of its own.

One module per group of commands: `setup` (init, demo, db, config-example), `serving` (serve),
`discovery` (discover), `content` (exam, candidates), `exam_files` (exam list, exam export),
`results` (results, sessions), `desks` (the seat plan), `sittings` (sitting), `staff` (staff
accounts), `storage` (storage, backup), `service` (the systemd unit), `i18n` (the pages'
catalogs).
"""

from __future__ import annotations

import logging

import click

from hallserver import __version__
from hallserver.cli import (
    content, desks, discovery, exam_files, i18n, results, service, serving, setup, sittings,
    staff, storage,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hall")
def main() -> None:
    """examhall: an offline-first exam-hall server.

    \b
    First time:   hall init hall-data && cd hall-data
    Content:      hall exam import exam.json
                  hall candidates import candidates.csv --exam EXAM_ID
                  hall desks import desks.csv
    Exam day:     hall sitting create --exam EXAM_ID --starts 2026-06-01T09:00
                  hall serve   (then start it from the console, or hall sitting start)
    Afterwards:   hall results export -o results.csv
    Just looking: hall demo

    The commands speak [hall] staff_language of the hall.toml they use, or the language in
    EXAMHALL_LANGUAGE (such as fr or ar) when it is set; this help is in English.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # the PDF font subsetter talks a lot


for module in (setup, serving, service, discovery, content, exam_files, desks, results, sittings,
               staff, storage, i18n):
    for command in module.COMMANDS:
        main.add_command(command)
