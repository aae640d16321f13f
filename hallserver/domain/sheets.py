"""Files from a spreadsheet (candidates, the seat plan): CSV in UTF-8 with or without a BOM,
comma-, semicolon- or tab-separated, a header naming the columns in any case and order."""

from __future__ import annotations

from pathlib import Path

from hallserver.errors import Invalid


def sheet_text(path: Path) -> str:
    """The file's text; Invalid naming the line of a byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise Invalid(f"{path.name} line {line}: byte 0x{data[err.start]:02X} is not UTF-8 text; "
                      "save the file as CSV UTF-8 (in Excel: Save As, CSV UTF-8).") from err


def delimiter(header: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet used instead."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_columns(name: str, fields: list[str], required: tuple[str, ...],
                   known: tuple[str, ...]) -> dict[str, int]:
    """Column name -> index; Invalid when a required column is missing."""
    columns = {field.strip().lower(): i for i, field in enumerate(fields)}
    missing = [c for c in required if c not in columns]
    if missing:
        raise Invalid(f"{name} line 1: the header must name {', '.join(known)}; missing "
                      f"{', '.join(missing)} (found: {', '.join(fields) or 'nothing'})")
    return columns
