"""QTI in: every shared sample taken or refused by the rules, scores of known responses, the
interaction mix all or nothing, hostile XML refused, packages with images, sanitised HTML."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from hallserver.app import create_app
from hallserver.domain.content import scoring
from hallserver.domain.content.exam_file import read_exam
from hallserver.errors import Invalid
from tests.exams_fixtures import (
    MIX, MIX_EXAM, MIX_TAKEN, MIX_TEST, SAMPLES, add_candidates, count, empty_hall, hall_cli,
    needs_samples, ok, png, sign_in,
)

# Every sample file: the kind of question it makes, or a phrase of the reason it is refused.
TAKEN, REFUSED = "taken", "refused"
SAMPLE_RULES = {
    "items-2.1/choice.xml": (TAKEN, "choice"),
    "items-2.1/choice_fixed.xml": (TAKEN, "choice"),
    "items-2.1/choice_multiple.xml": (TAKEN, "multiple"),
    "items-2.1/choice_multiple_chocolade.xml": (REFUSED, "cannot tell what full marks are"),
    "items-2.1/extended_text.xml": (TAKEN, "essay"),
    "items-2.1/inline_choice.xml": (TAKEN, "inline"),
    "items-2.1/match.xml": (TAKEN, "match"),
    "items-2.1/mc_calc3.xml": (REFUSED, "template processing"),
    "items-2.1/order.xml": (TAKEN, "order"),
    "items-2.1/text_entry.xml": (TAKEN, "text"),
    "items-2.2/choice.xml": (TAKEN, "choice"),
    "items-2.2/choice_multiple_rtl.xml": (TAKEN, "multiple"),
    "items-2.2/text_entry.xml": (TAKEN, "text"),
    "test-interaction-mix/Choicemultiple_2014410822.xml": (TAKEN, "multiple"),
    "test-interaction-mix/Choicemultiple_871212949.xml": (TAKEN, "multiple"),
    "test-interaction-mix/Choicesingle_853928446.xml": (REFUSED, "cannot be told apart without their images"),
    "test-interaction-mix/Choicetruefalse_176040516.xml": (TAKEN, "choice"),
    "test-interaction-mix/Hotspot_278940407.xml": (REFUSED, "hotspotInteraction's image is not in the package"),
    "test-interaction-mix/Hottext_801974120.xml": (TAKEN, "hottext"),
    "test-interaction-mix/Matchmultiple_1038910213.xml": (TAKEN, "match"),
    "test-interaction-mix/Matchsingle_143114773.xml": (TAKEN, "match"),
    "test-interaction-mix/Order_913967682.xml": (TAKEN, "order"),
    "test-interaction-mix/TextEntry_883368511.xml": (TAKEN, "text"),
    "test-interaction-mix/TextEntrynumeric_2040297025.xml": (REFUSED, "2 interactions"),
    "test-interaction-mix/TextEntrynumeric_770468849.xml": (TAKEN, "text"),
    "test-interaction-mix/TextEntrysubset_806481421.xml": (REFUSED, "3 interactions"),
    "test-interaction-mix/interaction_mix_sachsen.xml": (REFUSED, "Hotspot_278940407"),
    "test-interaction-mix/interaction_mix_sachsen_2_2.xml": (REFUSED, "Hotspot_278940407"),
}


@needs_samples
def test_the_rules_cover_every_sample_file():
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.xml")}
    assert on_disk == set(SAMPLE_RULES)


@needs_samples
@pytest.mark.parametrize("name", sorted(SAMPLE_RULES))
def test_each_sample_is_imported_or_refused_as_the_rules_say(tmp_path, name):
    outcome, detail = SAMPLE_RULES[name]
    config = empty_hall(tmp_path / "hall")
    checked = hall_cli(None, "exam", "check", str(SAMPLES / name))
    imported = hall_cli(config, "exam", "import", str(SAMPLES / name), "--duration", "30")
    if outcome == TAKEN:
        assert checked.exit_code == 0 and "would import 1 question(s)" in checked.output, checked.output
        assert imported.exit_code == 0, imported.output
        assert count(config, "questions") == 1
        kind = [line for line in checked.output.splitlines() if line.startswith("    ")][0]
        assert f": {detail}," in kind
    else:
        assert checked.exit_code != 0 and detail in checked.output, checked.output
        assert imported.exit_code != 0 and detail in imported.output, imported.output
        assert count(config, "exams") == 0 and count(config, "questions") == 0


def _only_question(name: str):
    (question,) = read_exam(SAMPLES / name).content.questions
    return question


@needs_samples
@pytest.mark.parametrize(("name", "response", "expected"), [
    ("items-2.1/choice.xml", "ChoiceA", 1), ("items-2.1/choice.xml", "ChoiceB", 0),
    ("items-2.1/choice.xml", None, 0),
    ("items-2.1/choice_fixed.xml", "ChoiceA", 1), ("items-2.1/choice_fixed.xml", "ChoiceD", 0),
    # map_response with lowerBound 0, upperBound 2 and defaultValue -2
    ("items-2.1/choice_multiple.xml", ["H", "O"], 2), ("items-2.1/choice_multiple.xml", ["O", "H"], 2),
    ("items-2.1/choice_multiple.xml", ["H"], 1), ("items-2.1/choice_multiple.xml", ["H", "O", "Cl"], 1),
    ("items-2.1/choice_multiple.xml", ["H", "He"], 0), ("items-2.1/choice_multiple.xml", [], 0),
    ("items-2.2/choice_multiple_rtl.xml", ["H", "O"], 2),
    # map_response on text: case matters unless the entry says otherwise
    ("items-2.1/text_entry.xml", "York", 1), ("items-2.1/text_entry.xml", "york", 0.5),
    ("items-2.1/text_entry.xml", "  York ", 1), ("items-2.1/text_entry.xml", "YORK", 0),
    ("items-2.2/text_entry.xml", "Lancaster", 0), ("items-2.2/text_entry.xml", "", 0),
    # Onyx's own response processing, as written out in the items
    ("test-interaction-mix/Choicetruefalse_176040516.xml", "choice_1164834606", 1),
    ("test-interaction-mix/Choicetruefalse_176040516.xml", "choice_1416143937", 0),
    ("test-interaction-mix/Choicemultiple_2014410822.xml", ["choice_853818748", "choice_693643701"], 1),
    ("test-interaction-mix/Choicemultiple_2014410822.xml", ["choice_693643701"], 0),
    ("test-interaction-mix/Choicemultiple_871212949.xml",
     ["choice_934383202", "choice_2022864592", "choice_1534527094"], 3),
    ("test-interaction-mix/Choicemultiple_871212949.xml",
     ["choice_934383202", "choice_2022864592", "choice_921260236"], 1),
    ("test-interaction-mix/Choicemultiple_871212949.xml", ["choice_1757121272"], -2),
    ("test-interaction-mix/TextEntry_883368511.xml", "Fichtelberg", 1),
    ("test-interaction-mix/TextEntry_883368511.xml", "fichtelberg", 1),
    ("test-interaction-mix/TextEntry_883368511.xml", "Brocken", 0),
    # a number within 5% of 4.136, written with a point or a comma
    ("test-interaction-mix/TextEntrynumeric_770468849.xml", "4.136", 1),
    ("test-interaction-mix/TextEntrynumeric_770468849.xml", "4,1", 1),
    ("test-interaction-mix/TextEntrynumeric_770468849.xml", "3.9", 0),
    ("test-interaction-mix/TextEntrynumeric_770468849.xml", "vier", 0),
])
def test_known_responses_score_as_the_item_says(name, response, expected):
    assert scoring.marks(_only_question(name), response) == expected


@needs_samples
def test_full_marks_and_the_key_come_from_the_items():
    assert _only_question("items-2.1/choice_multiple.xml").max_score == 2
    assert _only_question("test-interaction-mix/Choicemultiple_871212949.xml").max_score == 3
    numeric = _only_question("test-interaction-mix/TextEntrynumeric_770468849.xml")
    assert (numeric.kind, numeric.numeric, numeric.answer) == ("text", True, "4.136")
    fixed = _only_question("items-2.1/choice_fixed.xml")
    assert (fixed.shuffle, fixed.fixed_options) == (True, ("ChoiceD",))


@needs_samples
@pytest.mark.parametrize("test_file", [MIX_TEST, MIX / "interaction_mix_sachsen_2_2.xml"])
def test_interaction_mix_all_or_nothing_unless_skip_unsupported(tmp_path, test_file):
    config = empty_hall(tmp_path / "hall")
    refused = hall_cli(config, "exam", "import", str(test_file), "--duration", "45")
    assert refused.exit_code != 0
    for item, reason in [("Hotspot_278940407", "hotspotInteraction"),
                         ("TextEntrynumeric_2040297025", "2 interactions"),
                         ("TextEntrysubset_806481421", "3 interactions"),
                         ("Choicesingle_853928446", "images")]:
        assert any(item in line and reason in line for line in refused.output.splitlines()), item
    assert "--skip-unsupported" in refused.output
    assert count(config, "exams") == count(config, "questions") == 0

    taken = ok(hall_cli(config, "exam", "import", str(test_file), "--duration", "45",
                        "--skip-unsupported"))
    assert f"imported exam {MIX_EXAM}" in taken.output and "left out 4" in taken.output
    with __import__("sqlite3").connect(config.database_path) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM questions ORDER BY position")]
        kinds = dict(db.execute("SELECT id, kind FROM questions"))
    db.close()
    assert ids == MIX_TAKEN
    assert [kinds[i] for i in ids] == ["choice", "multiple", "multiple", "order", "match", "match", "text",
                                      "text", "hottext"]


@needs_samples
def test_check_shows_what_would_be_imported_and_changes_nothing(tmp_path):
    checked = ok(hall_cli(None, "exam", "check", str(MIX_TEST), "--skip-unsupported"))
    assert "QTI 2.1 assessmentTest: exam InteractionMixSachsen_1901710679" in checked.output
    assert "questions: 9, 1 choice, 1 hottext, 2 match, 2 multiple, 1 order, 2 text; full marks 11" in checked.output
    assert "would import 9 question(s) and leave out 4 item(s)" in checked.output
    assert "Choicemultiple_871212949: multiple, 5 options, 3 mark(s), options shuffled" in checked.output


# --- hostile XML ------------------------------------------------------------------------------

QTI = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'
ITEM_BODY = """<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
<correctResponse><value>A</value></correctResponse></responseDeclaration>
<itemBody><p>{text}</p><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
<simpleChoice identifier="A">yes</simpleChoice><simpleChoice identifier="B">no</simpleChoice>
</choiceInteraction></itemBody>
<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>"""
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
                  for n in range(1, 10))
        + f']>\n<assessmentItem {QTI} identifier="bomb" title="t">'
        + ITEM_BODY.format(text="&lol9;") + "</assessmentItem>")


def _external_entity(secret: Path) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE item [<!ENTITY secret SYSTEM "file://{secret}">]>\n'
            f'<assessmentItem {QTI} identifier="xxe" title="t">'
            + ITEM_BODY.format(text="&secret;") + "</assessmentItem>")


def _test_file(*hrefs: str) -> str:
    refs = "".join(f'<assessmentItemRef identifier="i{n}" href="{h}"/>' for n, h in enumerate(hrefs))
    return (f'<assessmentTest {QTI} identifier="T1" title="Test"><testPart identifier="p" '
            'navigationMode="nonlinear" submissionMode="individual"><assessmentSection '
            f'identifier="s" title="s" visible="true">{refs}</assessmentSection></testPart>'
            "</assessmentTest>")


def _good_item(identifier: str) -> str:
    return (f'<assessmentItem {QTI} identifier="{identifier}" title="Fine">'
            + ITEM_BODY.format(text="A fine question") + "</assessmentItem>")


@pytest.mark.parametrize("hostile", ["bomb", "external entity"])
def test_xml_bomb_and_external_entity_are_refused_and_nothing_is_imported(tmp_path, hostile):
    config = empty_hall(tmp_path / "hall")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PIN-LIST", encoding="utf-8")
    evil = BOMB if hostile == "bomb" else _external_entity(secret)
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "evil.xml").write_text(evil, encoding="utf-8")
    (folder / "fine.xml").write_text(_good_item("fine"), encoding="utf-8")
    (folder / "test.xml").write_text(_test_file("fine.xml", "evil.xml"), encoding="utf-8")
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w") as zipped:
        zipped.writestr("imsmanifest.xml", _manifest("test.xml"))
        for name in ("evil.xml", "fine.xml", "test.xml"):
            zipped.write(folder / name, name)

    for target in (folder / "evil.xml", folder / "test.xml", package):
        for command in (["exam", "check"], ["exam", "import", "--skip-unsupported"]):
            result = hall_cli(config if command[1] == "import" else None, *command, str(target),
                              "--duration", "10")
            assert result.exit_code != 0, (target, result.output)
            assert "evil.xml is refused" in result.output and "<!DOCTYPE" in result.output
            assert "TOP-SECRET" not in result.output
    assert count(config, "exams") == count(config, "questions") == 0


def test_malformed_and_foreign_xml_get_clear_errors(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(f"<assessmentItem {QTI}><itemBody>", encoding="utf-8")
    qti1 = tmp_path / "qti12.xml"
    qti1.write_text('<questestinterop><item ident="x"/></questestinterop>', encoding="utf-8")
    with pytest.raises(Invalid, match="broken.xml is not well-formed XML"):
        read_exam(broken)
    with pytest.raises(Invalid, match="not QTI 2.1 or 2.2"):
        read_exam(qti1)


# --- content packages, images, sanitised HTML ------------------------------------------------

def _manifest(test_href: str | None, items: tuple[str, ...] = ()) -> str:
    resources = "".join(f'<resource identifier="I{n}" type="imsqti_item_xmlv2p2" href="{h}"/>'
                        for n, h in enumerate(items))
    if test_href:
        resources += f'<resource identifier="T" type="imsqti_test_xmlv2p2" href="{test_href}"/>'
    return ('<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">'
            f"<organizations/><resources>{resources}</resources></manifest>")


FLAG_ITEM = """<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="flag"
 title="Flags" adaptive="false" timeDependent="false">
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
<correctResponse><value>A</value></correctResponse></responseDeclaration>
<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
<itemBody><p onclick="steal()">Which <em>flag</em>? <script>alert(1)</script>
<a href="javascript:alert(2)">here</a><img src="http://evil.example/x.png" alt="outside"/>
<img src="../../../etc/passwd" alt="escape"/><span style="color:red">red</span>
<m:math xmlns:m="http://www.w3.org/1998/Math/MathML"><m:msup><m:mi>x</m:mi><m:mn>2</m:mn></m:msup></m:math></p>
<table><tr><td>cell</td></tr></table><ul><li>one</li></ul>
<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
<prompt>Pick <strong>one</strong></prompt>
<simpleChoice identifier="A"><img src="../media/a.png" alt="flag A"/></simpleChoice>
<simpleChoice identifier="B"><img src="../media/b.png" alt="flag B"/></simpleChoice>
</choiceInteraction></itemBody>
<responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct"/>
</assessmentItem>"""


def _flag_package(path: Path) -> tuple[bytes, bytes]:
    images = png(2, 1), png(3, 1)
    test = _test_file("../items/flag.xml").replace("v2p1", "v2p2").replace(
        'identifier="T1" title="Test">', 'identifier="FLAGS" title="Flags of Europe">'
        '<timeLimits maxTime="1200"/>')
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("imsmanifest.xml", _manifest("tests/test.xml", ("items/flag.xml",)))
        zipped.writestr("tests/test.xml", test)
        zipped.writestr("items/flag.xml", FLAG_ITEM)
        zipped.writestr("media/a.png", images[0])
        zipped.writestr("media/b.png", images[1])
    return images


@needs_samples
async def test_a_package_with_images_is_served_to_its_candidates_only(tmp_path, aiohttp_client):
    config = empty_hall(tmp_path / "hall")
    images = _flag_package(tmp_path / "flags.zip")
    imported = ok(hall_cli(config, "exam", "import", str(tmp_path / "flags.zip")))
    assert "imported exam FLAGS (Flags of Europe): 1 questions, 20 minutes" in imported.output
    assert "'http://evil.example/x.png' is outside the package" in imported.output
    assert "'../../../etc/passwd' is outside the package" in imported.output
    add_candidates(config, "FLAGS", [("F1", "Flag Reader", "1111")])
    ok(hall_cli(config, "exam", "import", str(SAMPLES / "items-2.1/text_entry.xml"), "--id", "OTHER",
                "--duration", "10"))
    add_candidates(config, "OTHER", [("O1", "Other Candidate", "2222")])

    client = await aiohttp_client(create_app(config))
    anonymous = await aiohttp_client(client.server)
    other = await aiohttp_client(client.server)
    await sign_in(client, "F1", "1111")
    await sign_in(other, "O1", "2222")
    (question,) = (await (await client.get("/student/exam/FLAGS")).json())["questions"]
    sources = [part.split('"')[0] for part in json.dumps(question["options_html"]).split('src=\\"')[1:]]
    sources = [s.rstrip("\\") for s in sources]
    assert len(sources) == 2 and all(s.startswith("/exam-assets/FLAGS/") for s in sources)
    for source, image in zip(sources, images, strict=True):
        answer = await client.get(source)
        assert answer.status == 200 and answer.content_type == "image/png"
        assert await answer.read() == image
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert (await client.get(source, headers={"If-None-Match": answer.headers["ETag"]})).status == 304
        assert (await other.get(source)).status == 404
        assert (await anonymous.get(source)).status == 401
    assert (await client.get("/exam-assets/FLAGS/nothing.png")).status == 404


async def test_a_sittings_images_wait_for_its_start_with_the_paper(tmp_path, aiohttp_client):
    config = empty_hall(tmp_path / "hall")
    _flag_package(tmp_path / "flags.zip")
    ok(hall_cli(config, "exam", "import", str(tmp_path / "flags.zip")))
    add_candidates(config, "FLAGS", [("F1", "Flag Reader", "1111")])
    made = ok(hall_cli(config, "sitting", "create", "--exam", "FLAGS", "--starts",
                       "2030-01-01T09:00", "--json"))
    sitting_id = json.loads(made.output)["id"]
    client = await aiohttp_client(create_app(config))
    await sign_in(client, "F1", "1111")
    with sqlite3.connect(config.database_path) as db:
        names = [quote(name) for (name,) in db.execute("SELECT name FROM exam_assets")]
    assert len(names) == 2
    for name in names:
        waiting = await client.get(f"/exam-assets/FLAGS/{name}")
        assert waiting.status == 409, await waiting.text()
        assert (await waiting.json())["error"]["code"] == "sitting_not_started"
    ok(hall_cli(config, "sitting", "start", sitting_id))
    assert (await client.get("/student/exam/FLAGS")).status == 200
    assert (await client.get(f"/exam-assets/FLAGS/{names[0]}")).status == 200


def test_question_html_keeps_basic_markup_and_loses_everything_active(tmp_path):
    _flag_package(tmp_path / "flags.zip")
    (question,) = read_exam(tmp_path / "flags.zip").content.questions
    html = question.html
    for kept in ("<em>flag</em>", "<math>", "<msup><mi>x</mi><mn>2</mn></msup>", "<table>",
                 "<td>cell</td>", "<li>one</li>", '<div class="prompt">Pick <strong>one</strong></div>'):
        assert kept in html, kept
    for gone in ("onclick", "<script", "alert", "javascript:", "evil.example", "style=", "<a ", "passwd"):
        assert gone not in html, gone
    assert '<span class="missing-image">[outside]</span>' in html
    assert question.text.startswith("Which flag?")


# --- a QTI exam sat through the hall ---------------------------------------------------------

@pytest.fixture
def mix_hall(tmp_path, qti_samples):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(MIX_TEST), "--duration", "45", "--skip-unsupported"))
    add_candidates(config, MIX_EXAM, [("M1", "Mia", "1111"), ("M2", "Max", "2222")])
    return config


MIX_ANSWERS = {  # 1 + 1 + (1 + 1 - 1) + 1 + 1 + 0 + 1 + 1 + 0 = 7 of 11
    "Choicetruefalse_176040516": "choice_1164834606",
    "Choicemultiple_2014410822": ["choice_853818748", "choice_693643701"],
    "Choicemultiple_871212949": ["choice_934383202", "choice_2022864592", "choice_921260236"],
    "Matchsingle_143114773": ["Match29886762 Match30518135", "Match5256823 Match2607634",
                              "Match4430647 Match8604807", "Match1403839 Match5570831"],
    "TextEntry_883368511": "fichtelberg",
    "TextEntrynumeric_770468849": "4,1",
    "Order_913967682": ["Choice0", "Choice1", "Choice2", "Choice3", "Choice4"],
    "Hottext_801974120": ["Choice1", "Choice3"],  # two of the three errors: match_correct gives 0
}


@pytest.mark.parametrize(("answers", "named"), [
    ({"Choicetruefalse_176040516": ["choice_1164834606"]}, "takes one option key"),
    ({"Choicemultiple_2014410822": "choice_853818748"}, "takes a list of option keys"),
    ({"Choicemultiple_2014410822": ["choice_853818748", "nope"]}, "has no option 'nope'"),
    ({"Choicemultiple_2014410822": ["choice_853818748", "choice_853818748"]}, "names an option twice"),
    ({"TextEntry_883368511": ["Fichtelberg"]}, "takes typed text"),
    ({"TextEntry_883368511": 7}, "answers.TextEntry_883368511"),
    ({"Matchsingle_143114773": "Match29886762 Match30518135"}, "takes a list of pairs"),
    ({"Matchsingle_143114773": ["Match29886762 nope"]}, "has no pair 'Match29886762 nope'"),
    ({"Matchsingle_143114773": ["Match29886762 Match30518135", "Match29886762 Match2607634"]},
     "joins Match29886762 to more than one option"),
])
async def test_an_answer_of_the_wrong_shape_is_refused_with_422(mix_hall, aiohttp_client, answers, named):
    client = await aiohttp_client(create_app(mix_hall))
    await sign_in(client, "M1", "1111")
    save = f"/student/exam/{MIX_EXAM}/session/save"
    response = await client.post(save, json={"answers": answers})
    assert response.status == 422, await response.text()
    assert named in (await response.json())["error"]["message"]


async def test_a_qti_exam_sat_end_to_end_scores_every_kind(mix_hall, aiohttp_client):
    client = await aiohttp_client(create_app(mix_hall))
    await sign_in(client, "M1", "1111")
    paper = await (await client.get(f"/student/exam/{MIX_EXAM}")).json()
    shown = {q["id"]: q for q in paper["questions"]}
    assert set(shown) == set(MIX_TAKEN)
    assert shown["Choicemultiple_871212949"]["kind"] == "multiple"
    assert shown["TextEntrynumeric_770468849"]["numeric"] is True
    assert '<span class="answer-gap"></span>' in shown["TextEntry_883368511"]["html"]
    assert not any(key in q for q in paper["questions"] for key in ("answer", "scoring"))

    base = f"/student/exam/{MIX_EXAM}/session"
    assert (await client.post(f"{base}/save", json={"answers": MIX_ANSWERS, "device_seq": 1})).status == 200
    restored = await (await client.get(f"{base}/restore")).json()
    assert restored["session_data"]["answers"] == MIX_ANSWERS
    assert (await client.post(f"{base}/complete", json={})).status == 200

    exported = json.loads(ok(hall_cli(mix_hall, "results", "export", "--format", "json")).stdout)
    (result,) = exported["results"]
    assert (result["score"], result["max_score"]) == (7, 11)
    outcomes = {q["id"]: (q["outcome"], q["marks"]) for q in result["questions"]}
    assert outcomes == {"Choicetruefalse_176040516": ("correct", 1),
                        "Choicemultiple_2014410822": ("correct", 1),
                        "Choicemultiple_871212949": ("partial", 1),
                        "Matchsingle_143114773": ("correct", 1),
                        "Matchmultiple_1038910213": ("unanswered", 0),
                        "TextEntry_883368511": ("correct", 1),
                        "TextEntrynumeric_770468849": ("correct", 1),
                        "Order_913967682": ("correct", 1),
                        "Hottext_801974120": ("incorrect", 0)}
