"""The attendance register as files: CSV for scripts, and a PDF (fpdf2, A4 landscape) for the
invigilators to print and sign. Both end with the hall id and the log's head when the register
was made, so the paper can be checked against the log. The CSV's column names are for scripts and
stay as they are; the PDF is in the language asked for (hallserver/i18n/printed/), right to left
for Arabic (its columns too), shaped as the login slips are.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from hallserver.clock import iso
from hallserver.domain.content.slips import font_files, shape_right_to_left
from examkit.words import Words, words as printed_words
from hallserver.domain.sittings.register import RegisterFacts
from hallserver.domain.sittings.store import Sitting

COLUMNS = ["registration_number", "name", "attendance", "seat", "checked_in_at", "started_at",
           "submitted_at", "admitted_late", "extensions", "pauses", "moves", "incidents"]


def _pdf_columns(w: Words) -> tuple[tuple[str, str, int], ...]:
    """(heading, key, width in mm) of the PDF's table, in reading order."""
    return ((w._("Reg. no."), "registration_number", 22), (w._("Name"), "name", 40),
            (w._("Attendance"), "attendance", 20), (w._("Seat"), "seat", 24),
            (w._("Checked in"), "checked_in_at", 18), (w._("Started"), "started_at", 18),
            (w._("Submitted"), "submitted_at", 18), (w._("Ext."), "extensions", 9),
            (w._("Pauses"), "pauses", 12), (w._("Moves"), "moves", 11),
            (w._("Incidents"), "incidents", 85))


def _attendance(value: str, w: Words) -> str:
    words = {"present": w._("present"), "absent": w._("absent"), "expected": w._("expected")}
    return words.get(value, value)


def _footer(facts: RegisterFacts) -> list[list[str]]:
    return [["hall_id", facts.hall_id], ["log_head_seq", str(facts.head_seq)],
            ["log_head_hash", facts.head_hash], ["made_at", facts.made_at]]


def register_csv(sitting: Sitting, rows: list[dict[str, Any]], facts: RegisterFacts) -> str:
    """One row per candidate under the header, then a blank line and the register's facts."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    writer.writerow([])
    writer.writerow(["sitting_id", sitting.id])
    for incident in facts.hall_incidents:
        writer.writerow(["hall_incident", incident])
    writer.writerows(_footer(facts))
    return out.getvalue()


def _time(value: str) -> str:
    return value[11:19] if value else ""   # HH:MM:SS of an ISO time in UTC


class _Register:
    def __init__(self, words: Words) -> None:
        self.words = words
        self.pdf = FPDF(orientation="landscape", unit="mm", format="A4")
        self.pdf.set_margins(10, 10, 10)
        self.pdf.set_auto_page_break(True, 12)
        fonts = font_files()
        self.unicode = fonts is not None
        if fonts:
            self.pdf.add_font("register", "", str(fonts[""]))
            self.pdf.add_font("register", "B", str(fonts["B"]))
            self.font = "register"
        else:
            self.font = "helvetica"
        self.shaped = bool(fonts) and words.rtl and shape_right_to_left(self.pdf)

    def text(self, value: Any) -> str:
        value = str(value)
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def para(self, value: str, size: float = 9, style: str = "") -> None:
        self.pdf.set_font(self.font, style, size)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT",
                            align="R" if self.words.rtl else "L")

    def cell(self, row: dict[str, Any], key: str) -> str:
        """A table cell: times as HH:MM:SS, attendance in the register's words."""
        if key.endswith("_at"):
            return self.text(_time(row[key]))
        if key == "attendance":
            return self.text(_attendance(row[key], self.words))
        return self.text(row[key])


def _summary(sitting: Sitting, facts: RegisterFacts, w: Words) -> str:
    return w._("{hall} - sitting {sitting} - exams {exams} - policy {policy} - scheduled "
               "{scheduled} - started {started} - ended {ended} (times UTC)",
               hall=facts.hall_name, sitting=sitting.id, exams=", ".join(sitting.exam_ids),
               policy=sitting.policy, scheduled=iso(sitting.starts_at),
               started=iso(sitting.started_at) or w._("not started"),
               ended=iso(sitting.ended_at) or w._("not ended"))


def register_pdf(sitting: Sitting, rows: list[dict[str, Any]], facts: RegisterFacts,
                 language: str = "en") -> bytes:
    """The register as a PDF to print and sign, in `language`."""
    w = printed_words(language)
    doc = _Register(w)
    pdf = doc.pdf
    title = w._("Attendance register: {sitting}", sitting=sitting.name)
    pdf.set_title(title)
    pdf.add_page()
    doc.para(title, 14, "B")
    doc.para(_summary(sitting, facts, w))
    pdf.ln(2)
    pdf.set_font(doc.font, "", 7)
    # Right to left, the table reads from the right too: its first column is the rightmost.
    columns = _pdf_columns(w)[::-1] if w.rtl else _pdf_columns(w)
    with pdf.table(col_widths=[width for _, _, width in columns], line_height=3.6,
                   headings_style=FontFace(emphasis="BOLD"),
                   text_align="RIGHT" if w.rtl else "LEFT") as table:
        table.row([doc.text(heading) for heading, _, _ in columns])
        for row in rows:
            table.row([doc.cell(row, key) for _, key, _ in columns])
    pdf.ln(3)
    present = sum(r["attendance"] == "present" for r in rows)
    doc.para(w._("Expected {expected}, present {present}, absent or missing {away}.",
                 expected=len(rows), present=present, away=len(rows) - present))
    for incident in facts.hall_incidents:
        doc.para(w._("Hall incident: {incident}", incident=incident))
    pdf.ln(2)
    doc.para(w._("Hall {hall}; log head at event {seq}, hash {hash}; register made {made}.",
                 hall=facts.hall_id, seq=facts.head_seq, hash=facts.head_hash, made=facts.made_at), 8)
    pdf.ln(6)
    line = "______________________"
    signature = w._("Invigilator: {line}  Signature: {line}", line=line)
    doc.para(f"{signature}   {signature}", 9)
    return bytes(pdf.output())
