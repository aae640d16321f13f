"""Question banks in the formats teachers keep them in, read into the hall's exams.

    items        the question kinds a bank carries, built with their QTI scoring
    bank         what reading collects: questions, refusals (where and why), warnings, images
    moodle_xml   Moodle XML (`<quiz>`)
    gift         GIFT (.gift, .txt)
    spreadsheet  .xlsx (openpyxl) and .csv, one row a question

`sniff` tells a file's format from its content (the extension only breaks ties), so a GIFT file
saved as .txt or a Moodle export saved as .xml is read as what it is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from hallserver.domain.content.exam_content import ExamImport
from hallserver.domain.content.formats.bank import Report
from hallserver.domain.content.formats.gift import looks_like_gift, read_gift
from hallserver.domain.content.formats.moodle_xml import read_moodle_xml
from hallserver.domain.content.formats.spreadsheet import (
    is_question_header, read_rows, rows_of_csv, rows_of_xlsx,
)
from hallserver.domain.content.qti.xml import MAX_XML_BYTES
from hallserver.errors import Invalid

FORMATS = ("json", "qti", "qti-package", "moodle-xml", "gift", "xlsx", "csv")
KNOWN = "JSON, QTI 2.1/2.2 (.xml or a .zip package), Moodle XML, GIFT, .xlsx or .csv"


def _head(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size).lstrip(b"\xef\xbb\xbf \t\r\n")


def sniff(path: Path) -> str:
    """The format of an exam file, from its content; Invalid when it is none the hall reads."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
        return "xlsx" if "xl/workbook.xml" in names else "qti-package"
    head = _head(path)
    if head.startswith(b"{") or path.suffix.lower() == ".json":
        return "json"
    if head.startswith(b"<"):
        body = head.split(b"?>", 1)[-1] if head.startswith(b"<?xml") else head
        return "moodle-xml" if b"<quiz" in body[:1024] and b"assessment" not in body[:1024] else "qti"
    text = head.decode("utf-8", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if is_question_header(rows_of_csv(path, first.encode())[0][1] if first else []):
        return "csv"
    if looks_like_gift(path.read_bytes()[:MAX_XML_BYTES].decode("utf-8", errors="replace")):
        return "gift"
    raise Invalid(f"{path.name} is not an exam file the hall reads ({KNOWN}).")


def read_bank(path: Path, kind: str, exam_id: str | None, report: Report | None = None) -> ExamImport:
    """A question bank file of a format `sniff` named, as an exam; `report` hears (done, total)."""
    if path.stat().st_size > MAX_XML_BYTES * 4:
        raise Invalid(f"{path.name} is larger than {MAX_XML_BYTES * 4 // 2 ** 20} MB.")
    if kind == "xlsx":
        return read_rows(path, rows_of_xlsx(path), exam_id, "spreadsheet (.xlsx)", report)
    data = path.read_bytes()
    if kind == "csv":
        return read_rows(path, rows_of_csv(path, data), exam_id, "spreadsheet (.csv)", report,
                         unit="line")
    if kind == "moodle-xml":
        return read_moodle_xml(path, data, exam_id, report)
    if kind == "gift":
        return read_gift(path, data, exam_id, report)
    raise Invalid(f"{path.name}: {kind} is not a question bank format.")
