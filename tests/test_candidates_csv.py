"""Candidates from a spreadsheet: every line checked first (errors name the line, nothing is half
imported), Excel's habits accepted, PINs given to those without, and printable login slips."""

from __future__ import annotations

import json
import re

import pytest

from hallserver.app import create_app
from tests.exams_fixtures import count, empty_hall, hall_cli, ok, sign_in
from tests.halls import EXAM


@pytest.fixture
def hall(tmp_path):
    config = empty_hall(tmp_path / "hall")
    exam = tmp_path / "exam.json"
    exam.write_text(json.dumps(EXAM), encoding="utf-8")
    ok(hall_cli(config, "exam", "import", str(exam)))
    return config


def _import(config, tmp_path, data: bytes):
    path = tmp_path / "candidates.csv"
    path.write_bytes(data)
    return hall_cli(config, "candidates", "import", str(path), "--exam", "MTH101")


GOOD = "registration_number,name,pin\r\nC1,Ada Lovelace,1111\r\nC2,Bruno Ganz,2222\r\n"


@pytest.mark.parametrize(("data", "expected"), [
    pytest.param(b"registration_number,name,pin\nC1,Ada,1111\nC2,Bruno,2222\nC1,Chen,3333\n",
                 "candidates.csv line 4: registration number C1 is also on line 2", id="duplicate"),
    pytest.param(b"registration_number,name,pin\nC1,Ada,1111\nC2,,2222\n",
                 "candidates.csv line 3: name is empty", id="missing name"),
    pytest.param(b"registration_number,name,pin\nC1,Ada,1111\n,Bruno,2222\n",
                 "candidates.csv line 3: registration_number is empty", id="missing number"),
    pytest.param(b"registration_number,name,pin\nC1,Ada,1111\n\n\nC2,Bruno\xe9,2222\n",
                 "candidates.csv line 5: byte 0xE9 is not UTF-8", id="bad encoding after blank lines"),
    pytest.param(b"registration_number,pin\nC1,1111\n",
                 "candidates.csv line 1: the header must name registration_number, name, pin; missing name",
                 id="header"),
    pytest.param(b"registration_number,name,pin\nC1,Lovelace, Ada,1111\n",
                 "candidates.csv line 2: 4 fields where the header has 3", id="unquoted comma"),
    pytest.param(b"registration_number;name;pin\nC1;Ada;1111\nC1;Ada again;1111\n",
                 "candidates.csv line 3: registration number C1 is also on line 2", id="semicolons"),
    pytest.param(b'registration_number,name,pin\nC1,"Ada\nLovelace",1111\nC2,"Bruno",22 22\n',
                 "candidates.csv line 4: the PIN has a space in it", id="line numbers past a quoted newline"),
    pytest.param(b"registration_number,name,pin\nX-103,Ada,1111\nx-103 ,Bruno,2222\n",
                 "candidates.csv line 3: registration number x-103 is also on line 2", id="case"),
    pytest.param(b"registration_number,name,pin\n", "has no candidates under its header", id="empty"),
    pytest.param(b"registration_number,name,pin\nC1,Ada,1111\nC2,Bruno,2222\n"
                 + b"".join(b"C%d,Name %d,%d\n" % (n, n, 1000 + n) for n in range(3, 500))
                 + b"C499,Again,1\n",
                 "candidates.csv line 501: registration number C499 is also on line 500",
                 id="late in a long file"),
])
def test_a_bad_line_is_named_and_nothing_is_imported(hall, tmp_path, data, expected):
    result = _import(hall, tmp_path, data)
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert count(hall, "candidates") == 0 and count(hall, "exam_records") == 0


@pytest.mark.parametrize("data", [
    pytest.param(GOOD.encode(), id="CRLF"),
    pytest.param(b"\xef\xbb\xbf" + GOOD.encode(), id="BOM"),
    pytest.param(GOOD.replace(",", ";").encode(), id="Excel semicolons"),
    pytest.param(b"\xef\xbb\xbf" + GOOD.replace(",", ";").encode(), id="BOM and semicolons"),
    pytest.param(b"Registration_Number,Name,PIN,class\nC1,Ada Lovelace,1111,7b\n\n"
                 b'C2,"Ganz, Bruno",2222,7c\n,,,\n', id="more columns, quotes, blank lines"),
])
async def test_spreadsheet_habits_are_accepted(hall, tmp_path, aiohttp_client, data):
    result = ok(_import(hall, tmp_path, data))
    assert "2 added" in result.output
    assert count(hall, "exam_records") == 2
    client = await aiohttp_client(create_app(hall))
    logged_in = await sign_in(client, "C2", "2222")
    assert logged_in["candidate"]["name"] in ("Bruno Ganz", "Ganz, Bruno")


def test_progress_stays_quiet_off_a_terminal(hall, tmp_path):
    result = ok(_import(hall, tmp_path, GOOD.encode()))
    assert "hashing" not in result.output and result.output.strip().count("\n") == 0


async def test_pins_for_candidates_without_one_and_their_slips(hall, tmp_path, aiohttp_client):
    ok(_import(hall, tmp_path, "registration_number,name,pin\nC1,Ada Lovelace,1111\n"
                               "C2,Zoë Ωmega,\nC3,Chen Wei\n".encode()))
    client = await aiohttp_client(create_app(hall))
    refused = await client.post("/student/login", json={"registration_number": "C2", "pin": "0000"})
    assert refused.status == 401

    slips = hall_cli(hall, "candidates", "slips", "MTH101", "-o", str(tmp_path / "slips.html"))
    assert slips.exit_code != 0 and "2 candidate(s) of MTH101 have no PIN yet" in slips.output
    given = ok(hall_cli(hall, "candidates", "pins", "MTH101"))
    assert "gave 2 candidate(s) of MTH101 a PIN" in given.output
    assert "gave 0 candidate(s)" in ok(hall_cli(hall, "candidates", "pins", "MTH101")).output

    ok(hall_cli(hall, "candidates", "slips", "MTH101", "-o", str(tmp_path / "slips.html"),
                "--address", "https://hall-a.local:8443/"))
    page = (tmp_path / "slips.html").read_text(encoding="utf-8")
    pins = dict(re.findall(r'Registration number: <bdi class="value">([^<]+)</bdi></div>'
                           r'<div class="field">PIN: <bdi class="value">([^<]+)<', page))
    assert pins["C1"] == "1111" and re.fullmatch(r"\d{6}", pins["C2"]) and re.fullmatch(r"\d{6}", pins["C3"])
    assert "Zoë Ωmega" in page and "Ada Lovelace" in page and page.count("https://hall-a.local:8443/") == 3
    assert "@page" in page and "Mathematics (MTH101)" in page
    for registration in ("C2", "C3"):  # the printed PIN is the one that logs in
        await sign_in(await aiohttp_client(client.server), registration, pins[registration])

    pdf = tmp_path / "slips.pdf"
    ok(hall_cli(hall, "candidates", "slips", "MTH101", "-o", str(pdf)))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", data)) == 1


def test_a_line_without_a_pin_keeps_the_pin_a_candidate_has(hall, tmp_path):
    ok(_import(hall, tmp_path, b"registration_number,name,pin\nC1,Ada,1111\n"))
    ok(_import(hall, tmp_path, b"registration_number,name,pin\nC1,Ada Lovelace,\n"))
    assert "gave 0 candidate(s)" in ok(hall_cli(hall, "candidates", "pins", "MTH101")).output


async def test_registration_numbers_match_whatever_their_case(hall, tmp_path, aiohttp_client):
    ok(_import(hall, tmp_path, b"registration_number,name,pin\nX-103,Ada Lovelace,1111\n"))
    client = await aiohttp_client(create_app(hall))
    for typed in ("x-103", " X-103 ", "x-103\t"):
        logged_in = await sign_in(await aiohttp_client(client.server), typed, "1111")
        assert logged_in["candidate"]["registration_number"] == "X-103"
    # A spreadsheet typed in lower case updates the candidate; it adds no second one.
    ok(_import(hall, tmp_path, b"registration_number,name,pin\nx-103,Ada King,2222\n"))
    assert count(hall, "candidates") == 1 and count(hall, "exam_records") == 1
    client = await aiohttp_client(create_app(hall))
    assert (await sign_in(client, "X-103", "2222"))["candidate"]["name"] == "Ada King"


async def test_wrong_pins_typed_in_either_case_share_one_allowance(hall, tmp_path, aiohttp_client):
    ok(_import(hall, tmp_path, b"registration_number,name,pin\nX-103,Ada Lovelace,1111\n"))
    client = await aiohttp_client(create_app(hall))
    answers = []
    for typed in ("x-103", "X-103", "x-103", "X-103", "x-103", "X-103"):
        response = await client.post("/student/login", json={"registration_number": typed,
                                                             "pin": "9999"})
        answers.append(response.status)
    assert answers[:5] == [401] * 5 and answers[5] == 429
