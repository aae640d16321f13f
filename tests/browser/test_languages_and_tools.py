"""Languages and candidate tools in Chromium: an exam starts in its language, Arabic is laid out
right to left, a candidate switches language mid-exam, the calculator works by keyboard alone,
struck-out options survive a reload and a move, tools appear only where allowed, and axe-core
finds no serious or critical violation in any language."""

from __future__ import annotations

import gettext
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.exam_page import (CANDIDATES, EXAM_ID, answer, choose, go_to, log_in, server_state,
                                     status)
from tests.browser.languages import catalog, english_left_over, exam_in, serious_violations
from tests.halls import EXAM

ALL_TOOLS = {"calculator": "scientific", "eliminator": True, "highlighter": True}


def log_in_as(page: Page, index: int = 0, button: str = "Log in") -> None:
    """Logs in from a login page in any language (fields by id, the button by its words)."""
    registration, _, pin = CANDIDATES[index]
    page.goto("ui/student/index.html")
    page.locator("#registration").fill(registration)
    page.locator("#pin").fill(pin)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/ui/student/exam\.html\?exam=" + EXAM_ID))
    expect(page.locator("#exam-main")).to_be_visible()


@pytest.mark.parametrize("exam", [exam_in("fr")])
def test_a_french_exam_starts_in_french_and_is_submitted_in_french(hall, new_context, screenshot):
    """The exam file says "fr": the exam page opens in French (no English catalog string on
    screen), and the candidate goes from login to the end in French."""
    page = new_context().new_page()
    log_in(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#question-number")).to_have_text("Question 1 sur 20")
    expect(page.get_by_role("button", name="Suivante")).to_be_visible()
    expect(page.locator("#clock-label")).to_have_text("Temps restant")
    choose(page, "B")
    expect(status(page)).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d:\d\d$"))
    assert english_left_over(page, "fr") == []
    screenshot(page, "exam-fr")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Relire et remettre").click()
    expect(page.locator("#submit-summary")).to_contain_text("Vous avez répondu à 1 sur 20 questions.")
    assert english_left_over(page, "fr") == []
    page.get_by_role("button", name="Remettre mon examen").click()
    expect(page.get_by_role("heading", name="Votre examen est remis")).to_be_visible()
    assert hall.sessions("C0001")[0]["status"] == "completed"


MIXED = [{"id": "1", "text": "كم يساوي sin 30° في الدرجات؟ (Euler)", "options": {"A": "0.5", "B": "1", "C": "نصف"},
          "answer": "A"},
         {"id": "2", "text": "Which city is the capital of France?", "options": {"A": "Paris", "B": "Lyon"},
          "answer": "A"}] + EXAM["questions"][2:]


@pytest.mark.parametrize("exam", [exam_in("ar", ALL_TOOLS, MIXED)])
def test_an_arabic_exam_is_right_to_left_mirrored_and_passes_axe(hall, new_context, screenshot):
    """The Arabic page is dir=rtl: the grid and Previous/Next are mirrored (Previous on the
    right), the arrow keys follow, the clock stays readable, and axe finds nothing serious."""
    page = new_context().new_page()
    log_in(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#question-number")).to_have_text("السؤال 1 من 20")
    previous, following = page.locator("#prev").bounding_box(), page.locator("#next").bounding_box()
    assert previous["x"] > following["x"], "Previous must be on the right in Arabic"
    first, second = (page.locator(f".grid-button[data-index='{i}']").bounding_box() for i in (0, 1))
    assert first["x"] > second["x"], "the grid must run right to left"
    side, question = page.locator(".side").bounding_box(), page.locator("#question").bounding_box()
    assert side["x"] < question["x"], "the question list must be on the left in Arabic"
    expect(page.locator("#clock-value")).to_have_text(re.compile(r"^\d+:\d\d$"))
    assert english_left_over(page, "ar") == []

    # An Arabic question with Latin inside reads right to left; an English one left to right.
    direction = "el => getComputedStyle(el).direction"
    assert page.locator("#question-text").evaluate(direction) == "rtl"
    page.keyboard.press("ArrowLeft")   # the next question, to the left
    expect(page.locator("#question-number")).to_have_text("السؤال 2 من 20")
    assert page.locator("#question-text").evaluate(direction) == "ltr"
    assert page.locator(".option-text").first.evaluate(direction) == "ltr"
    page.keyboard.press("ArrowRight")
    expect(page.locator("#question-number")).to_have_text("السؤال 1 من 20")
    page.get_by_role("button", name="آلة حاسبة").click()
    screenshot(page, "exam-ar")
    assert serious_violations(page) == []


def test_switching_language_mid_exam_keeps_answers_marks_and_place(hall, new_context):
    """Switching to French mid-exam changes the words only; after a reload French holds."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    answer(page, 1, "C")
    go_to(page, 2)
    page.get_by_role("button", name="Mark for review").click()
    go_to(page, 3)
    page.get_by_label("Language").select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#question-number")).to_have_text("Question 3 sur 20")
    expect(page.locator("#progress")).to_have_text("1 sur 20 répondues")
    expect(page.locator(".grid-button[data-index='1']")).to_have_attribute(
        "aria-label", "Question 2, sans réponse, marquée à revoir")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "C"}
                 and data.get("marked_questions") == ["2"] and data.get("current_question") == 2
                 and (data.get("tool_state") or {}).get("language") == "fr")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="Reprendre").click()
    expect(page.locator("#question-number")).to_have_text("Question 3 sur 20")
    expect(page.get_by_label("Langue")).to_have_value("fr")

    # Another PC, never used by this candidate: the choice came with the session.
    other = new_context().new_page()
    log_in(other)
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    expect(other.locator("#resume-title")).to_have_text("Bon retour, Candidate 1")


@pytest.mark.parametrize("exam", [exam_in(None, {"calculator": "scientific"})])
def test_the_calculator_computes_by_keyboard_alone(hall, new_context):
    """Tab to the calculator, Enter opens it; typed sums computed with precedence, brackets,
    roots and degrees; division by zero says so; Escape closes it and gives the focus back."""
    page = new_context().new_page()
    log_in(page)
    opener = page.locator("#open-calculator")
    opener.focus()
    page.keyboard.press("Enter")
    field = page.locator("#calc-input")
    expect(field).to_be_focused()
    result = page.locator("#calc-result")
    for typed, shown in (("2+3*4", "= 14"), ("(2+3)*4", "= 20"), ("sqrt(2)", "= 1.41421356237"),
                         ("sin 30", "= 0.5"), ("2^10", "= 1024"), ("50%", "= 0.5")):
        field.fill("")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        expect(result).to_have_text(shown)
    field.fill("")
    page.keyboard.type("1/0")
    page.keyboard.press("Enter")
    expect(result).to_have_text("Cannot divide by zero")
    expect(field).to_be_focused()
    # Pointer keys type the calculator's own symbols: 2 + 3 × 4 = 14.
    field.fill("")
    for key in ("2", "+", "3", "×", "4", "="):
        page.locator(f".calc-key[data-key='{key}']").click()
    expect(result).to_have_text("= 14")
    page.keyboard.press("Escape")
    expect(page.locator("#calculator")).to_be_hidden()
    expect(opener).to_be_focused()
    expect(page.locator("#question-number")).to_have_text("Question 1 of 20")  # no key leaked


@pytest.mark.parametrize("exam", [exam_in(None, {"eliminator": True, "highlighter": True})])
def test_struck_out_options_and_highlights_survive_reload_and_another_pc(hall, new_context, screenshot):
    """Options struck out and words highlighted are kept with the session: back after a reload
    and on a second PC; never an answer, and the score ignores them."""
    first_pc = new_context()
    page = first_pc.new_page()
    log_in(page)
    page.locator("button.strike[data-option='A']").click()
    page.locator("button.strike[data-option='D']").press("Enter")
    expect(page.locator(".option.eliminated")).to_have_count(2)
    # By keyboard: the question's text, → selects "1", Shift+→ twice extends to "1 + 1", Enter.
    page.locator("#question-text").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == "1 + 1"
    page.keyboard.press("Enter")
    expect(page.locator("#question-text mark.highlight")).to_have_text("1 + 1")
    expect(page.locator("#question-number")).to_have_text("Question 1 of 20")  # arrows stayed in the text
    # By pointer: select "?" and press the button.
    page.evaluate("""() => {
      const marks = document.querySelector('#question-text');
      const walker = document.createTreeWalker(marks, NodeFilter.SHOW_TEXT);
      let last; for (let n = walker.nextNode(); n; n = walker.nextNode()) last = n;
      getSelection().setBaseAndExtent(last, last.data.length - 1, last, last.data.length);
    }""")
    page.get_by_role("button", name="Highlight the selected words").click()
    expect(page.locator("#question-text mark.highlight")).to_have_text(["1 + 1", "?"])
    screenshot(page, "exam-tools")
    server_state(first_pc, hall.url, lambda data: (data.get("tool_state") or {}).get("eliminated") == {"1": ["A", "D"]}
                 and (data.get("tool_state") or {}).get("highlights") == {"1": [[0, 5], [8, 9]]})

    page.reload()
    expect(page.locator(".option.eliminated")).to_have_count(2)
    expect(page.get_by_role("button", name="Restore option A")).to_be_visible()
    expect(page.locator("#question-text mark.highlight")).to_have_text(["1 + 1", "?"])

    second = new_context().new_page()
    log_in(second)
    second.get_by_role("button", name="Resume").click()
    expect(second.locator(".option.eliminated input")).to_have_count(2)
    expect(second.locator("#question-text mark.highlight")).to_have_text(["1 + 1", "?"])
    assert not second.locator("input[name=answer]:checked").count()
    choose(second, "B")
    second.get_by_role("button", name="Review and submit").click()
    second.get_by_role("button", name="Submit my exam").click()
    expect(second.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    session = hall.sessions("C0001")[0]
    assert session["session_data"]["answers"] == {"1": "B"}
    assert session["result"]["score"] == 1


def test_no_tools_unless_the_exam_allows_them(hall, new_context):
    """The tests' exam allows no tool: no toolbar, no calculator, no strike-out switches."""
    page = new_context().new_page()
    log_in(page)
    expect(page.locator(".option")).to_have_count(4)
    expect(page.locator("#exam-toolbar")).to_have_count(0)
    expect(page.locator("#calculator")).to_have_count(0)
    expect(page.locator("button.strike")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_login_and_exam_pages_pass_axe_in_every_language(hall, new_context, screenshot, language):
    """The login page (language chosen there) and the exam page with every tool open: no
    serious or critical axe-core violation in English, French and Arabic."""
    page = new_context().new_page()
    page.goto("ui/student/index.html")
    if language != "en":  # English is the default: nothing to choose
        page.locator("[data-language-picker] select").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert english_left_over(page, language) == [] if language != "en" else True
    assert serious_violations(page) == []
    screenshot(page, f"login-{language}")
    registration, _, pin = CANDIDATES[0]
    page.locator("#registration").fill(registration)
    page.locator("#pin").fill(pin)
    page.locator("#login-button").click()
    expect(page.locator("#exam-main")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert serious_violations(page) == []
    page.locator("#open-submit").click()
    expect(page.locator("#submit-dialog")).to_be_visible()
    assert serious_violations(page) == []


def test_plural_forms_follow_each_catalogs_own_rule(hall, new_context):
    """The pages choose plural forms with the catalog's Plural-Forms expression, evaluated by
    their own parser: the same form as gettext's for every count up to 1200."""
    page = new_context().new_page()
    page.goto("ui/student/index.html")
    for language in ("en", "fr", "ar"):
        expression = catalog(language)["plural_forms"]
        counts = list(range(0, 1201)) + [1_000_000, 2_000_000]
        in_page: list[Any] = page.evaluate("""async ([expression, counts]) => {
          const { compilePlural } = await import('/ui/shared/plural.js');
          const rule = compilePlural(expression);
          return counts.map(rule);
        }""", [expression, counts])
        assert in_page == [gettext.c2py(expression)(n) for n in counts], language


def test_the_calculators_own_parser_gets_precedence_angles_and_errors_right(hall, new_context):
    """The arithmetic behind the keys, in the page: precedence, right-associative powers, unary
    minus, percent, roots, degrees and radians; anything that is not a sum (code included) is a
    syntax error, never run."""
    page = new_context().new_page()
    page.goto("ui/student/index.html")
    cases = [["2+3×4", "deg"], ["(2+3)*4", "deg"], ["2^3^2", "deg"], ["-2^2", "deg"], ["50%*8", "deg"],
             ["√2", "deg"], ["sin 30", "deg"], ["cos(60)", "deg"], ["sin(π/6)", "rad"], ["atan(1)", "deg"],
             ["log(1000)", "deg"], ["5!", "deg"], ["2π", "rad"], ["7÷2", "deg"], ["1/0", "deg"],
             ["√(-1)", "deg"], ["tan 90", "deg"], ["2+", "deg"], ["alert(1)", "deg"],
             ["constructor", "deg"], ["", "deg"]]
    got = page.evaluate("""async (cases) => {
      const { evaluate, formatResult } = await import('/ui/student/tools/calculator-engine.js');
      return cases.map(([text, angle]) => {
        try { return formatResult(evaluate(text, { angle })); } catch (err) { return err.reason || String(err); }
      });
    }""", cases)
    assert got == ["14", "20", "512", "-4", "4", "1.41421356237", "0.5", "0.5", "0.5", "45", "3", "120",
                   "6.28318530718", "3.5", "divide_by_zero", "domain", "domain", "syntax", "syntax",
                   "syntax", "syntax"]
    basic = page.evaluate("""async () => {
      const { evaluate } = await import('/ui/student/tools/calculator-engine.js');
      try { evaluate('sin 30', { scientific: false }); return 'computed'; } catch (err) { return err.reason; }
    }""")
    assert basic == "syntax"   # the basic calculator has no trigonometry


def test_the_halls_refusal_reads_in_the_candidates_language(hall, new_context):
    """A wrong PIN on the login page in French: the hall's refusal (by its code) in French."""
    page = new_context().new_page()
    page.goto("ui/student/index.html")
    page.locator("[data-language-picker] select").select_option("fr")
    expect(page.get_by_role("heading", name="Connexion à votre examen")).to_be_visible()
    page.get_by_label("Numéro d'inscription").fill(CANDIDATES[0][0])
    page.get_by_label("Code PIN", exact=True).fill("0000")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#login-error")).to_have_text(
        "Ce numéro d'inscription et ce code PIN ne correspondent pas. Vérifiez votre convocation et réessayez.")


@pytest.mark.parametrize("hall_settings", [{"hall__language": "ar"}])
def test_the_login_page_starts_in_the_halls_language(hall, new_context):
    """[hall] language = "ar": the login page opens in Arabic, right to left, until a candidate
    chooses another language on this PC."""
    page = new_context().new_page()
    page.goto("ui/student/index.html")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("button", name="تسجيل الدخول")).to_be_enabled()
    page.locator("[data-language-picker] select").select_option("en")
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
