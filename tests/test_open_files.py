"""A full hall holds more connections than a shell lets a process open by default (1,024 files):
`hall serve` started from such a shell raises its own limit, so 1,500 PCs behind one NAT address
(a long poll each, and a request on top) are all answered, none refused or dropped."""

from __future__ import annotations

import asyncio
import resource
from pathlib import Path

import pytest

from hallserver.serve import OPEN_FILES_WANTED
from tests.halls import make_hall
from tests.serving import ServedHall

pytestmark = pytest.mark.slow
SHELL_DEFAULT = 1_024
PCS = 1_500


@pytest.fixture
def shell_limit():
    """This process (and so the hall it starts) with a shell's default soft limit of open files;
    the test's own sockets get the hard limit back once the hall is up."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < PCS + 200:
        pytest.skip(f"this machine's hard limit of open files ({hard}) is below the {PCS} "
                    "connections the test holds")
    resource.setrlimit(resource.RLIMIT_NOFILE, (SHELL_DEFAULT, hard))
    yield lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def _hold_and_ask(port: int, count: int) -> list[bytes]:
    """Opens `count` connections at once, then sends a request on each; their status lines."""
    opened = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", port)
                                    for _ in range(count)))
    request = b"GET /student/settings HTTP/1.1\r\nHost: hall\r\nConnection: close\r\n\r\n"
    for _, writer in opened:
        writer.write(request)

    async def status(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
        line = await reader.readline()
        writer.close()
        return line

    return await asyncio.gather(*(status(r, w) for r, w in opened))


def test_a_hall_started_from_a_shell_holds_1500_connections_at_once(tmp_path, shell_limit):
    config = make_hall(tmp_path / "hall", server__connections_per_address=4_096)
    with ServedHall(config) as hall:
        shell_limit()
        hall_limits = Path(f"/proc/{hall.process.pid}/limits").read_text()
        soft = int(next(line for line in hall_limits.splitlines()
                        if line.startswith("Max open files")).split()[3])
        assert soft >= min(OPEN_FILES_WANTED, resource.getrlimit(resource.RLIMIT_NOFILE)[1]), \
            hall_limits
        statuses = asyncio.run(_hold_and_ask(hall.port, PCS))
        assert statuses.count(b"HTTP/1.1 200 OK\r\n") == PCS, set(statuses)
        hall.stop()
