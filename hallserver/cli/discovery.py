"""`hall discover`: the halls announcing themselves on this LAN."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import click

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
    if not halls:
        click.echo(f"no hall answered within {wait_seconds:g} s (is multicast blocked? "
                   "try the hall's /join page)")
    for hall in halls:
        click.echo(f"{hall.name}\n  url          {hall.url}\n  id           {hall.hall_id}\n"
                   f"  fingerprint  {hall.fingerprint}\n  version      {hall.version}")


COMMANDS = (discover_command,)
