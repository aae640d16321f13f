"""Login slips: a candidate's name, registration number and PIN, and where the hall is.

Two forms of the same slips, ten to an A4 page with cut lines: a print-ready HTML page (any
script, any name: the browser has the fonts) and a PDF (fpdf2; with DejaVu, found on most Linux
machines, for names beyond Latin-1, otherwise the PDF core fonts and a warning). Both in the
hall's language (hallserver/i18n/printed/); Arabic is shaped and laid out right to left by
fpdf2's text shaping (HarfBuzz, through uharfbuzz), or printed unshaped with a warning without it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.errors import FPDFException

from examkit.words import Words, words as printed_words

PER_PAGE = 10
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/usr/local/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts"))


@dataclass(frozen=True)
class Slip:
    """One candidate's slip (pin None: given to them another way)."""

    name: str
    registration_number: str
    pin: str | None


@dataclass(frozen=True)
class SlipSheet:
    """What every slip of an exam shares."""

    hall_name: str
    address: str
    exam_id: str
    exam_title: str


_CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", Arial, sans-serif; color: #000; }
.page { display: grid; grid-template-columns: 1fr 1fr; grid-auto-rows: 54mm; gap: 0;
        break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
.slip { border: 1px dashed #888; padding: 4mm 5mm; overflow: hidden; break-inside: avoid; }
.hall { font-size: 9pt; color: #444; }
.exam { font-size: 10pt; margin: 1mm 0 2mm; }
.name { font-size: 13pt; font-weight: bold; }
.field { font-size: 11pt; margin-top: 1.5mm; }
.value { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: 15pt;
         font-weight: bold; letter-spacing: 0.05em; }
.address { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: 10pt; }
.note { font-size: 8pt; color: #444; margin-top: 1.5mm; }
@media screen { body { background: #eee; } .page { background: #fff; width: 190mm;
        margin: 5mm auto; } }
"""


def _slip_html(slip: Slip, sheet: SlipSheet, words: Words) -> str:
    e = html.escape
    pin = e(slip.pin) if slip.pin else e(words._("given to you separately"))
    number, pin_label, open_at = words._("Registration number"), words._("PIN"), words._("Open")
    note = words._("Keep this slip to yourself.")
    # Codes and addresses are isolated (bdi): they keep their own order on a right-to-left slip.
    return (f'<div class="slip"><div class="hall">{e(sheet.hall_name)}</div>'
            f'<div class="exam">{e(sheet.exam_title)} (<bdi>{e(sheet.exam_id)}</bdi>)</div>'
            f'<div class="name">{e(slip.name)}</div>'
            f'<div class="field">{e(number)}: <bdi class="value">'
            f'{e(slip.registration_number)}</bdi></div>'
            f'<div class="field">{e(pin_label)}: <bdi class="value">{pin}</bdi></div>'
            f'<div class="field">{e(open_at)} <bdi class="address">{e(sheet.address)}</bdi></div>'
            f'<div class="note">{e(note)}</div></div>')


def _title(sheet: SlipSheet, words: Words) -> str:
    return words._("Login slips: {title} ({exam})", title=sheet.exam_title, exam=sheet.exam_id)


def render_html(slips: Sequence[Slip], sheet: SlipSheet,
                progress: Callable[[int], None] = lambda _: None, language: str = "en") -> str:
    """A print-ready page of slips, ten to an A4 sheet, in `language` (its direction too)."""
    words = printed_words(language)
    pages = []
    for start in range(0, len(slips), PER_PAGE):
        chunk = slips[start:start + PER_PAGE]
        pages.append('<section class="page">' + "".join(_slip_html(s, sheet, words) for s in chunk)
                     + "</section>")
        progress(len(chunk))
    title = html.escape(_title(sheet, words))
    return (f'<!doctype html>\n<html lang="{words.language}" dir="{words.direction}"><head>'
            f'<meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body>\n" + "\n".join(pages) + "\n</body></html>\n")


def font_files() -> dict[str, Path] | None:
    wanted = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}
    for directory in _FONT_DIRS:
        found = {style: directory / name for style, name in wanted.items()}
        if all(path.is_file() for path in found.values()):
            return found
    return None


def shape_right_to_left(pdf: FPDF) -> bool:
    """Turns on fpdf2's text shaping for a right-to-left language: Arabic letters joined, and each
    line's direction taken from its first letter (the Unicode bidi rule), so an Arabic label reads
    right to left while an address, a PIN or a Latin name keeps its order ("https://…/" does not
    become "/https://…"). False when uharfbuzz, which fpdf2 shapes with, is not installed."""
    try:
        pdf.set_text_shaping(use_shaping_engine=True)
    except FPDFException:
        return False
    return True


class _Pdf:
    """An A4 PDF with the fonts it could find, in a language's words and direction."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(10, 10, 10)
        fonts = font_files()
        self.unicode = fonts is not None
        if fonts:
            self.pdf.add_font("slip", "", str(fonts[""]))
            self.pdf.add_font("slip", "B", str(fonts["B"]))
            self.pdf.add_font("slipmono", "", str(fonts["mono"]))
            self.sans, self.mono = "slip", "slipmono"
        else:
            self.sans, self.mono = "helvetica", "courier"
        self.shaped = bool(fonts) and words.rtl and shape_right_to_left(self.pdf)

    def text(self, value: str) -> str:
        """Text the fonts can draw."""
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def line(self, x: float, y: float, width: float, value: str, font: str, style: str,
             size: float) -> None:
        """One line of text at (x, y)."""
        self.pdf.set_font(font, style if font == self.sans else "", size)
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, size * 0.45, self.text(value), align="R" if self.words.rtl else "L")

    def slip(self, slip: Slip, sheet: SlipSheet, x: float, y: float) -> None:
        """One slip, with its cut line, its top left corner at (x, y)."""
        width, height = 95.0, 55.0
        self.pdf.set_draw_color(136)
        self.pdf.set_dash_pattern(dash=1.5, gap=1.5)
        self.pdf.rect(x, y, width, height)
        inner = width - 10
        w = self.words
        self.line(x + 5, y + 4, inner, sheet.hall_name, self.sans, "", 8)
        self.line(x + 5, y + 9, inner, f"{sheet.exam_title} ({sheet.exam_id})", self.sans, "", 9)
        self.line(x + 5, y + 16, inner, slip.name, self.sans, "B", 12)
        self.line(x + 5, y + 24, inner, w._("Registration number"), self.sans, "", 8)
        self.line(x + 5, y + 28, inner, slip.registration_number, self.mono, "", 14)
        self.line(x + 5, y + 35, inner, w._("PIN"), self.sans, "", 8)
        if slip.pin:
            self.line(x + 5, y + 39, inner, slip.pin, self.mono, "", 14)
        else:
            self.line(x + 5, y + 39, inner, w._("given to you separately"), self.sans, "", 10)
        self.line(x + 5, y + 44, inner, w._("Open"), self.sans, "", 8)
        self.line(x + 5, y + 48, inner, sheet.address, self.mono, "", 8)


def render_pdf(slips: Sequence[Slip], sheet: SlipSheet,
               progress: Callable[[int], None] = lambda _: None,
               language: str = "en") -> tuple[bytes, list[str]]:
    """The slips as a PDF in `language`, ten to an A4 page; and warnings (e.g. no Unicode font
    found, or no shaping engine for a right-to-left language)."""
    words = printed_words(language)
    document = _Pdf(words)
    document.pdf.set_title(_title(sheet, words))
    for index, slip in enumerate(slips):
        if index % PER_PAGE == 0:
            document.pdf.add_page()
        column, row = index % 2, (index % PER_PAGE) // 2
        document.slip(slip, sheet, 10 + column * 95, 10 + row * 55)
        progress(1)
    return bytes(document.pdf.output()), pdf_warnings(document.unicode, document.shaped, words)


def pdf_warnings(unicode: bool, shaped: bool, words: Words) -> list[str]:
    """What a PDF could not do with the fonts and libraries of this machine."""
    warnings = [] if unicode else [
        "no DejaVu font was found: names beyond Latin-1 show as '?' in the PDF; the HTML "
        "slips (-o slips.html) show every script"]
    if unicode and words.rtl and not shaped:
        warnings.append(f"uharfbuzz is not installed: {words.language} letters are printed "
                        "unjoined and left to right; the HTML form shows them right")
    return warnings
