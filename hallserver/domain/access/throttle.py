"""How the hall words a throttled login or release code (the throttle itself is the kernel's
`examkit.throttle`)."""

from __future__ import annotations

from hallserver.errors import SlowDown


def slow_down(kind: str, wait: int) -> SlowDown:
    """The hall's 429 when a login allowance ("address" or "name") is spent."""
    who = "this computer" if kind == "address" else "this registration number"
    return SlowDown(f"Too many wrong logins from {who}. Wait {wait} seconds, then try again, or "
                    "ask an invigilator.", retry_after=wait)


def release_slow_down(kind: str, wait: int) -> SlowDown:
    """The hall's 429 when a release-code allowance ("address": the member of staff, "name":
    the sitting) is spent."""
    who = "from you" if kind == "address" else "for this sitting"
    return SlowDown(f"Too many wrong release codes {who}. Wait {wait} seconds, then try again; "
                    "or the central can release the paper.", retry_after=wait)
