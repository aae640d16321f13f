"""`hall discover`: the halls announcing themselves on this LAN."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import click

from hallserver.cli.words import words_here
from hallserver.mdns import discover


@click.command("discover")
@click.option("--wait", "wait_seconds", type=float, default=3.0, show_default=True,
              help="Seconds to listen for halls.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--interface", "interfaces", multiple=True, metavar="ADDRESS",
              help="Listen only on the interface with this address (repeatable).")
def discover_command(wait_seconds: float, as_json: bool, interfaces: tuple[str, ...]) -> None:
    """List the halls on the LAN: name, URL, id, certificate fingerprint, version.

    Discovery is a hint: check the fingerprint against the one on the hall's join page.
    """
    halls = asyncio.run(discover(wait_seconds, interfaces))
    if as_json:
        click.echo(json.dumps({"version": 1, "halls": [dataclasses.asdict(h) for h in halls]},
                              indent=2))
        return
    say = words_here()
    seconds = format(wait_seconds, "g")
    if not halls:
        click.echo(say._("no hall answered within {seconds} s (is multicast blocked? try the "
                         "hall's /join page)", seconds=seconds))
    labels = [say._("url"), say._("id"), say._("fingerprint"), say._("version")]
    width = max(len(label) for label in labels) + 2
    for hall in halls:
        click.echo("\n".join([hall.name, *(f"  {label.ljust(width)}{value}" for label, value in zip(
            labels, (hall.url, hall.hall_id, hall.fingerprint, hall.version), strict=True))]))


COMMANDS = (discover_command,)
