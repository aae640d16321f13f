"""The `hall` command line, as an operator uses it: init, imports, serve, demo, export, inspect, help.

Commands that serve run as real subprocesses through the console script; the others run through
click's runner on the real command group, on real hall directories and SQLite files.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
import socket
import sqlite3
import ssl
import stat
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import click
import pytest
from click.testing import CliRunner, Result
from cryptography import x509

from hallserver.cli import main
from hallserver.config import HallConfig, load
from tests.halls import EXAM, candidate_rows, make_hall
from tests.serving import HallProcess, ServedHall, log_in

PAPER = "/student/exam/MTH101"


def hall(*args: str, env: dict[str, str] | None = None) -> Result:
    """`hall ARGS...` through the real command group."""
    return CliRunner().invoke(main, list(args), env=env, prog_name="hall", catch_exceptions=False)


def rows(config: HallConfig, table: str) -> int:
    """How many rows a table of the hall database holds."""
    with sqlite3.connect(config.database_path) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    connection.close()
    return count


def mode(path: Path) -> int:
    """Permission bits of a file or directory."""
    return stat.S_IMODE(path.stat().st_mode)


# --- hall init --------------------------------------------------------------------------------

def test_init_makes_config_secrets_certificates_and_database(tmp_path):
    directory = tmp_path / "hall-data"
    result = hall("init", str(directory))
    assert result.exit_code == 0, result.output

    config = load(directory / "hall.toml")
    assert config.server.tls is True
    key = config.secrets_dir / "data.key"
    assert len(key.read_bytes()) == 32
    assert mode(key) == 0o600 and mode(config.secrets_dir) == 0o700
    for private in config.secrets_dir.iterdir():
        assert mode(private) == 0o600, private
    assert config.database_path.exists() and rows(config, "events") == 0

    ca = x509.load_pem_x509_certificate((config.tls_dir / "ca.crt").read_bytes())
    server = x509.load_pem_x509_certificate((config.tls_dir / "server.crt").read_bytes())
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    host = socket.gethostname().split(".")[0]
    assert {"localhost", host} <= set(names.get_values_for_type(x509.DNSName))
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)


def test_init_again_overwrites_nothing(tmp_path):
    directory = tmp_path / "hall-data"
    assert hall("init", str(directory)).exit_code == 0
    toml = directory / "hall.toml"
    toml.write_text(toml.read_text().replace('name = "Exam Hall"', 'name = "Hall B"', 1))
    before = {p: p.read_bytes() for p in directory.rglob("*")
              if p.is_file() and not p.name.startswith("hall.db")}
    assert {"data.key", "server.key", "ca.crt", "server.crt", "hall.toml"} <= {p.name for p in before}

    again = hall("init", str(directory))
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert {p: p.read_bytes() for p in before} == before
    assert load(toml).hall.name == "Hall B"


# --- hall exam import -------------------------------------------------------------------------

@pytest.fixture
def empty_hall(tmp_path) -> HallConfig:
    """A hall made by `hall init`, with no exam and no candidates yet."""
    directory = tmp_path / "hall"
    result = hall("init", "--no-tls", str(directory))
    assert result.exit_code == 0, result.output
    return load(directory / "hall.toml")


def _exam(**changes: Any) -> dict[str, Any]:
    exam = json.loads(json.dumps(EXAM))
    exam.update(changes)
    return exam


def _without_title() -> str:
    exam = _exam()
    del exam["title"]
    return json.dumps(exam)


def _last_answer_not_an_option() -> str:
    exam = _exam()
    exam["questions"][-1]["answer"] = "E"
    return json.dumps(exam)


def _duplicate_question_id() -> str:
    exam = _exam()
    exam["questions"][-1]["id"] = exam["questions"][0]["id"]
    return json.dumps(exam)


@pytest.mark.parametrize(("content", "named"), [
    (_without_title(), r"title: Field required"),
    (_last_answer_not_an_option(), r"questions\.19.*answer 'E' is not one of the options A, B, C, D"),
    (_duplicate_question_id(), r"question id '1' appears twice"),
    ('{"id": "MTH101", "questions": [', r"not a JSON exam file"),
], ids=["missing-field", "answer-not-an-option", "duplicate-question-id", "not-json"])
def test_exam_import_refuses_a_bad_file_and_imports_nothing(empty_hall, tmp_path, content, named):
    exam_file = tmp_path / "exam.json"
    exam_file.write_text(content, encoding="utf-8")
    result = hall("exam", "import", str(exam_file), "--config", str(empty_hall.base_dir / "hall.toml"))
    assert result.exit_code != 0
    assert "exam.json" in result.output and re.search(named, result.output), result.output
    assert "Traceback" not in result.output
    assert rows(empty_hall, "exams") == 0 and rows(empty_hall, "questions") == 0


def test_exam_import_of_a_good_file_takes_the_config_from_the_environment(empty_hall, tmp_path):
    exam_file = tmp_path / "exam.json"
    exam_file.write_text(json.dumps(EXAM), encoding="utf-8")
    result = hall("exam", "import", str(exam_file),
                  env={"HALL_CONFIG": str(empty_hall.base_dir / "hall.toml")})
    assert result.exit_code == 0, result.output
    assert "imported exam MTH101" in result.output
    assert rows(empty_hall, "exams") == 1 and rows(empty_hall, "questions") == 20


# --- hall candidates import -------------------------------------------------------------------

def test_candidates_import_names_a_duplicate_line_and_imports_nothing(empty_hall, tmp_path):
    config_path = str(empty_hall.base_dir / "hall.toml")
    exam_file = tmp_path / "exam.json"
    exam_file.write_text(json.dumps(EXAM), encoding="utf-8")
    assert hall("exam", "import", str(exam_file), "--config", config_path).exit_code == 0
    spreadsheet = tmp_path / "candidates.csv"
    spreadsheet.write_text("registration_number,name,pin\nC0001,Ada,1111\nC0002,Bruno,2222\n"
                           "C0001,Chen,3333\n", encoding="utf-8")

    result = hall("candidates", "import", str(spreadsheet), "--exam", "MTH101", "--config", config_path)
    assert result.exit_code != 0
    assert "candidates.csv line 4" in result.output and "C0001" in result.output, result.output
    assert "line 2" in result.output
    assert rows(empty_hall, "candidates") == 0 and rows(empty_hall, "exam_records") == 0

    spreadsheet.write_text("registration_number,name,pin\nC0001,Ada,1111\nC0002,Bruno,2222\n",
                           encoding="utf-8")
    result = hall("candidates", "import", str(spreadsheet), "--exam", "MTH101", "--config", config_path)
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and rows(empty_hall, "exam_records") == 2


# --- hall serve -------------------------------------------------------------------------------

def test_serve_on_a_port_in_use_fails_fast_with_a_clear_message(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=1)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with HallProcess("serve", "--config", str(config.base_dir / "hall.toml"),
                         "--port", str(port)) as process:
            code = process.wait(timeout=20)
    assert code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in process.output, process.output
    assert "--port" in process.output and "is serving" not in process.output
    assert "Traceback" not in process.output


async def test_a_tls_hall_serves_https_that_verifies_against_its_ca(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=1, tls=True)
    ca_bytes = (config.tls_dir / "ca.crt").read_bytes()
    with ServedHall(config) as served:
        assert served.url == f"https://127.0.0.1:{served.port}/"
        with urllib.request.urlopen(served.url + "healthz", context=served.ssl_context) as answer:
            assert json.load(answer)["tls"] is True
        with urllib.request.urlopen(served.url + "ca.crt", context=served.ssl_context) as answer:
            assert answer.read() == ca_bytes
        # Without the hall CA, a client refuses the certificate: the verification above meant it.
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(served.url + "healthz", context=ssl.create_default_context())
        # The certificate also names localhost.
        with socket.create_connection(("127.0.0.1", served.port)) as raw:
            with served.ssl_context.wrap_socket(raw, server_hostname="localhost") as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")

        registration, _, pin = candidate_rows(1)[0]
        async with served.client() as client:
            async with client.post("/student/login", json={"registration_number": registration,
                                                           "pin": pin}) as response:
                cookie = response.cookies["examhall_candidate"]
                assert cookie["secure"] is True and cookie["httponly"] is True  # HTTPS only
                assert cookie["samesite"] == "Strict"
            async with client.get(PAPER) as response:
                assert response.status == 200 and len((await response.json())["questions"]) == 20
            async with client.get("/healthz") as response:
                assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        served.stop()


# --- hall results export and hall sessions inspect --------------------------------------------

SAVED = {"1": "B", "2": "A", "3": "B"}
FINAL = {"4": "B"}
ALL_ANSWERS = {**SAVED, **FINAL}  # questions 1, 3 and 4 right (B): a score of 3 out of 20


@pytest.fixture
async def sat_hall(tmp_path) -> HallConfig:
    """A hall where C0001 saved and submitted, and C0002 saved but did not submit."""
    config = make_hall(tmp_path / "hall", candidates=2)
    (first, _, first_pin), (second, _, second_pin) = candidate_rows(2)
    with ServedHall(config) as served:
        async with served.client() as client:
            await log_in(client, first, first_pin)
            async with client.post(PAPER + "/session/save", json={"answers": SAVED,
                                                                  "device_seq": 1}) as response:
                assert response.status == 200, await response.text()
            async with client.post(PAPER + "/session/complete",
                                   json={"final_answers": FINAL, "time_spent": 600}) as response:
                assert response.status == 200, await response.text()
        async with served.client() as client:
            await log_in(client, second, second_pin)
            async with client.post(PAPER + "/session/save", json={"answers": {"1": "B"}}) as response:
                assert response.status == 200, await response.text()
        served.stop()
    return config


def test_results_export_csv_and_json(sat_hall, tmp_path):
    config_path = str(sat_hall.base_dir / "hall.toml")
    as_csv = hall("results", "export", "--format", "csv", "--config", config_path)
    assert as_csv.exit_code == 0, as_csv.output
    (row,) = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (row["exam_id"], row["registration_number"], row["name"]) == ("MTH101", "C0001",
                                                                         "Candidate 1")
    assert (row["score"], row["max_score"], row["reason"]) == ("3", "20", "submitted")
    assert json.loads(row["answers"]) == ALL_ANSWERS

    output = tmp_path / "results.json"
    as_json = hall("results", "export", "--format", "json", "-o", str(output), "--config", config_path)
    assert as_json.exit_code == 0, as_json.output
    exported = json.loads(output.read_text(encoding="utf-8"))
    assert exported["format"] == "examhall-results" and exported["version"] == 1
    (result,) = exported["results"]
    assert result["registration_number"] == "C0001" and result["answers"] == ALL_ANSWERS
    assert (result["score"], result["max_score"]) == (3, 20)


def test_sessions_inspect_shows_decrypted_answers_and_history(sat_hall):
    config_path = str(sat_hall.base_dir / "hall.toml")
    result = hall("sessions", "inspect", "C0001", "--config", config_path)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    (session,) = shown["sessions"]
    assert session["status"] == "completed" and session["session_data"]["answers"] == ALL_ANSWERS
    assert session["result"]["score"] == 3
    history = session["history"]
    assert [e["kind"] for e in history] == ["session_started", "answers_saved", "session_completed"]
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)
    assert history[1]["changes"]["answers"] == SAVED
    assert history[2]["answers"] == ALL_ANSWERS

    unknown = hall("sessions", "inspect", "NOBODY", "--config", config_path)
    assert unknown.exit_code != 0 and "no candidate NOBODY" in unknown.output


# --- hall demo --------------------------------------------------------------------------------

async def test_demo_serves_a_sitting_that_waits_for_the_invigilator_printed_beside_the_logins(
        tmp_path):
    with HallProcess("demo", "--port", "0", "--directory", str(tmp_path / "demo"),
                     cwd=tmp_path) as demo:
        port = int(demo.wait_for_line(r"http://127\.0\.0\.1:(\d+)/").group(1))
        exam_id = demo.wait_for_line(r"^exam (\S+):").group(1)
        sitting_id = demo.wait_for_line(r"^sitting (\S+) waits for its invigilator").group(1)
        staff_name, password = demo.wait_for_line(
            r"staff login at /ui/staff/: name (\S+), password (\S+)").groups()
        registration, pin = demo.wait_for_line(
            r"login: registration number (\S+), PIN (\S+)").groups()
        url = f"http://127.0.0.1:{port}/"
        async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as client, \
                aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff:
            login = await log_in(client, registration, pin)
            assert login["exams"][0]["sitting"]["state"] == "checking_in"
            async with client.get(f"/student/exam/{exam_id}") as response:
                assert response.status == 409
                assert (await response.json())["error"]["code"] == "sitting_not_started"
            async with staff.post("/staff/login", json={"name": staff_name,
                                                        "password": password}) as response:
                assert response.status == 200, await response.text()
            async with staff.post(f"/staff/sittings/{sitting_id}/start") as response:
                assert response.status == 200, await response.text()
                assert (await response.json())["counts"]["checked_in"] == 1
            async with client.get(f"/student/exam/{exam_id}") as response:
                assert response.status == 200, await response.text()
                paper = await response.json()
        assert paper["exam"]["id"] == exam_id and paper["questions"]
        assert all("answer" not in question for question in paper["questions"])
        demo.stop()


# --- help -------------------------------------------------------------------------------------

def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize(("path", "command"), COMMANDS,
                         ids=[" ".join(("hall", *path)) for path, _ in COMMANDS])
def test_every_command_has_help_that_explains_it(path, command):
    result = hall(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('hall', *path))}")
    explanation = " ".join((command.help or "").replace("\b", "").split())
    assert explanation, f"`hall {' '.join(path)}` has no help text"
    assert explanation.split(". ")[0] in " ".join(result.output.split())
