"""Releasing a sealed sitting's paper at the hall with its release code: the console's action.

The code's key is derived off the event loop (scrypt is slow on purpose), then one write either
releases the paper or logs the refusal with who typed the code. Wrong codes are throttled per
member of staff and per sitting (`Logins.release_throttle`, `[security] release_code_failures`):
once an allowance is spent, no code is tried until it refills, and each refused try is logged
too. A code with a mistyped symbol, caught by its check before any key is tried, gives a guesser
nothing and does not count.

`hall sitting release` does the same on its own transactions, unthrottled: whoever can run it
holds the hall's database, and could try codes against the sealed paper offline anyway.
"""

from __future__ import annotations

import asyncio

from hallserver.domain.content import sealed_papers
from hallserver.domain.sittings.store import read_sitting
from hallserver.domain.work import Work
from hallserver.errors import HallError, SlowDown, WrongReleaseCode
from hallserver.runtime.logins import Logins
from hallserver.runtime.storage import Storage


async def _log_refusal(storage: Storage, by: str, sitting_id: str, err: HallError) -> None:
    def refused(work: Work) -> None:
        sealed_papers.refuse(work.connection, work.batch, storage.log, sitting_id, err.message, by,
                             work.now)
    await storage.write(refused)


async def release_with_code(storage: Storage, logins: Logins, by: str, sitting_id: str,
                            code: str) -> list[str]:
    """Releases the sitting's sealed papers; WrongReleaseCode or SlowDown (logged) if not."""
    await storage.read(read_sitting, sitting_id)   # NotFound first, for a sitting that is not here
    papers = await storage.read(sealed_papers.still_sealed, sitting_id)
    try:
        logins.release_throttle.check(by, sitting_id, storage.clock.now())
    except SlowDown as err:
        await _log_refusal(storage, by, sitting_id, err)
        raise
    try:
        key = await asyncio.to_thread(sealed_papers.key_from_code, papers, code)
    except WrongReleaseCode as err:
        await _log_refusal(storage, by, sitting_id, err)
        if not err.details.get("mistyped"):
            logins.release_throttle.failed(by, sitting_id, storage.clock.now())
        raise

    def job(work: Work) -> list[str]:
        return sealed_papers.release(work.connection, work.batch, storage.log, sitting_id, key,
                                     by, "code", work.now)

    return await storage.write(job)
