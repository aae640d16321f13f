"""The sitting of the bench's `sitting` scenario: planned with the real CLI (`hall staff add`,
`hall sitting create`), and started as the invigilator's console starts it (a staff login, then
POST /staff/sittings/{id}/start)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from bench.clients import client_session
from bench.halls import hall_command
from bench.load import EXAM_ID

INVIGILATOR = ("bench-invigilator", "watch-the-whole-hall")
STAFF_COOKIE = "examhall_staff"
STARTS_IN_SECONDS = 30 * 60  # check-in (60 min before, by default) is open: logins check in


def plan(config: Path, log_file: Path, only: Sequence[str] = ()) -> str:
    """An invigilator and a sitting of the bench exam, scheduled 30 min ahead, for every
    candidate (or the registration numbers `only`); the sitting's id."""
    def cli(*args: str) -> str:
        with open(log_file, "ab") as out:
            done = subprocess.run([*hall_command(), *args, "--config", str(config)], check=True,
                                  stdout=subprocess.PIPE, stderr=out, stdin=subprocess.DEVNULL)
        return done.stdout.decode()

    name, password = INVIGILATOR
    cli("staff", "add", name, "--role", "invigilator", "--password", password)
    starts = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() + STARTS_IN_SECONDS))
    chosen: list[str] = []
    if only:
        listed = config.parent / "sitting-candidates.csv"
        listed.write_text("registration_number\n" + "".join(f"{r}\n" for r in only),
                          encoding="utf-8")
        chosen = ["--candidates", str(listed)]
    made = cli("sitting", "create", "--exam", EXAM_ID, "--starts", starts,
               "--name", "Bench sitting", *chosen, "--json")
    return json.loads(made)["id"]


@asynccontextmanager
async def console(base_url: str, sitting_id: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """The invigilator's console, logged in; yields its start button (raises unless started)."""
    async with client_session(limit=1) as session:
        name, password = INVIGILATOR
        async with session.post(f"{base_url}/staff/login",
                                json={"name": name, "password": password}) as response:
            if response.status != 200:
                raise RuntimeError(f"the invigilator's login answered HTTP {response.status}")
            token = response.cookies[STAFF_COOKIE].value

        async def start() -> None:
            async with session.post(f"{base_url}/staff/sittings/{sitting_id}/start",
                                    headers={"Cookie": f"{STAFF_COOKIE}={token}"}) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"the start answered HTTP {answer.status}: "
                                       f"{await answer.text()}")

        yield start
