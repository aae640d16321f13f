"""An edit of a long text (an essay), as a page sends it and as both the hall and the central apply it.

An edit replaces `delete` characters at `at` with `insert`, against the text whose checksum is
`base`, giving the text whose checksum is `result`. Characters are Unicode code points (a page
counts them with `Array.from`), and a checksum is "<length>:<CRC-32 of the UTF-8, 8 hex digits>",
cheap to compute on every save and enough to tell that two copies of a text have drifted apart.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

CHECKSUM = re.compile(r"^\d{1,7}:[0-9a-f]{8}$")


class EditMismatch(ValueError):
    """The edit does not fit the text it is applied to."""


def checksum(text: str) -> str:
    """"<length>:<crc32 hex>" of a text."""
    return f"{len(text)}:{zlib.crc32(text.encode('utf-8', 'replace')):08x}"


def apply_edit(text: str, edit: dict[str, Any]) -> str:
    """The text after the edit; EditMismatch when it reaches past the end of the text."""
    at, delete = int(edit["at"]), int(edit["delete"])
    if at < 0 or delete < 0 or at + delete > len(text):
        raise EditMismatch(f"the edit at {at} deleting {delete} passes the end ({len(text)})")
    return text[:at] + str(edit["insert"]) + text[at + delete:]
