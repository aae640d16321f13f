"""`hall exam list` and `hall exam export`: what exams the hall holds, and each as QTI 2.1."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hallserver.cli.common import config_option, failure, hall_config, open_database
from hallserver.cli.content import exam
from hallserver.cli.progress import progress
from hallserver.cli.words import words_for
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content.catalogue import assets_of, list_exams
from hallserver.domain.content.qti.export import write_package
from hallserver.errors import HallError


@exam.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@config_option
def exam_list(as_json: bool, config_path: str | None) -> None:
    """List the hall's exams: id, title, questions, full marks, time allowed."""
    config = hall_config(config_path)
    try:
        with open_database(config).connect() as connection:
            found = list_exams(connection)
    except HallError as err:
        raise failure(err) from err
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    say = words_for(config)
    if not found:
        click.echo(say._("no exams yet: import one with `hall exam import FILE`"))
        return
    for e in found:
        click.echo(f"{e['id']}\t{e['title']}\t"
                   + say._("{questions} questions, full marks {marks}, {minutes} minutes",
                           questions=e["questions"], marks=e["max_score"],
                           minutes=e["duration_minutes"])
                   + (say._(", {count} image(s)", count=e["images"]) if e["images"] else "")
                   + (say._(", sealed until its release") if e["sealed"] else ""))


@exam.command("export")
@click.argument("exam_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The content package to write (.zip).")
@config_option
def exam_export(exam_id: str, output: Path, config_path: str | None) -> None:
    """Write EXAM_ID as a QTI 2.1 content package (.zip) that `hall exam import` takes back."""
    config = hall_config(config_path)
    try:
        with open_database(config).connect() as connection:
            found = exam_rules.load_exam(connection, exam_id)
            assets = assets_of(connection, exam_id)
    except HallError as err:
        raise failure(err) from err
    say = words_for(config)
    partial = output.with_name(output.name + ".partial")
    with progress(len(found.questions), say._("writing items")) as bar:
        written = write_package(partial, found, assets, bar.update)
    partial.replace(output)  # a reader never sees half a package
    click.echo(say._("wrote exam {id} ({items} items, {images} images) to {output} as QTI 2.1",
                     id=exam_id, items=written, images=len(assets), output=output))


COMMANDS = ()
