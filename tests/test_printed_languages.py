"""Login slips in the hall's language: French and Arabic words from the pages' catalogs, Arabic
shaped and right to left (its labels set against the slip's right edge, the PIN and the
registration number left in their own order), the HTML slips with <html lang dir>."""

from __future__ import annotations

import io

from pypdf import PdfReader

from hallserver.domain.content.slips import Slip, SlipSheet, render_html, render_pdf
from examkit.words import words

SHEET = SlipSheet("Salle A", "https://hall-a.local:8443/", "MTH101", "Mathematics")
SLIPS = [Slip("Zoë Ωmega", "C0001", "123456"), Slip("علي حسن", "C0002", None)]


def _runs(data: bytes) -> list[tuple[str, float]]:
    """(text, x in points) of every piece of text on the first page."""
    found: list[tuple[str, float]] = []
    page = PdfReader(io.BytesIO(data)).pages[0]
    page.extract_text(visitor_text=lambda text, cm, tm, *_: found.append((text.strip(), tm[4]))
                      if text.strip() else None)
    return found


def _x_of(runs: list[tuple[str, float]], words_: str) -> float:
    return next(x for text, x in runs if words_ in text)


def test_slips_in_arabic_are_shaped_and_set_from_the_right():
    data, warnings = render_pdf(SLIPS, SHEET, language="ar")
    assert warnings == []
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "رقم التسجيل" in text and "إليك على حدة" in text
    assert "C0001" in text and "123456" in text and "Registration number" not in text
    assert "https://hall-a.local:8443/" in text   # the address keeps its order
    english, _ = render_pdf(SLIPS, SHEET, language="en")
    # The label sits against the right edge of its slip in Arabic, the left edge in English.
    assert _x_of(_runs(data), "رقم التسجيل") > _x_of(_runs(english), "Registration number") + 40


def test_slips_in_french_and_their_html_in_every_direction():
    data, _ = render_pdf(SLIPS, SHEET, language="fr")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Numéro d'inscription" in text and "remis séparément" in text
    page = render_html(SLIPS, SHEET, language="ar")
    assert '<html lang="ar" dir="rtl">' in page and "احتفظ بهذه البطاقة لنفسك." in page
    assert '<bdi class="value">C0001</bdi>' in page
    assert '<html lang="fr" dir="ltr">' in render_html(SLIPS, SHEET, language="fr-CA")


def test_a_language_without_a_catalog_prints_in_english():
    assert words("xx")._("Registration number") == "Registration number"
    assert words("../../etc")._("PIN") == "PIN"
    assert words("ar").rtl and not words("fr").rtl
