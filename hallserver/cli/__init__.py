"""The `hall` command: parses arguments, loads the config, calls the hall. No logic of its own.

One module per group of commands: `setup` (init, demo, db, config-example), `serving` (serve),
`discovery` (discover), `content` (exam, candidates), `results` (results, sessions),
`staff` (staff accounts), `storage` (storage, backup).
"""

from __future__ import annotations

import logging

import click

from hallserver import __version__
from hallserver.cli import content, discovery, results, serving, setup, staff, storage


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hall")
def main() -> None:
    """examhall: an offline-first exam-hall server.

    \b
    First time:   hall init hall-data && cd hall-data
    Content:      hall exam import exam.json
                  hall candidates import candidates.csv --exam EXAM_ID
    Exam day:     hall serve
    Afterwards:   hall results export -o results.csv
    Just looking: hall demo
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


for module in (setup, serving, discovery, content, results, staff, storage):
    for command in module.COMMANDS:
        main.add_command(command)
