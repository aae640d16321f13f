"""The API behind the central's pages for an exam programme: sittings with their progress, results
per exam across halls, a candidate's sessions and incidents, exports. Readers read, admins also
publish; nobody logged in gets 401; bad input gets the one error shape and changes nothing.

A real central (`syncd central serve`, HTTPS) on SQLite and PostgreSQL; halls push real signed
batches of a log written for the test.
"""

from __future__ import annotations

import csv
import io
import json
import re

from tests.sync.processes import syncd_ok
from tests.sync.programme import ADMIN, READER, programme
from tests.sync.reporting_hall import sat
from tests.sync.test_central_accounts import Browser

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
READS = ("/api/sittings/progress", "/api/exams", "/api/results", "/api/results?exam_id=MTH101",
         "/api/candidates/C-1", "/api/exports/sittings.csv", "/api/exports/sittings.json",
         "/api/exports/results.csv", "/api/exports/results.json", "/api/exports/halls.json",
         "/api/exports/incidents.csv", "/api/exports/sessions.json")
SITTING = {"exam_id": "MTH101", "starts": "2030-06-01T09:00", "policy": "common_end",
           "late_entry_minutes": 20}


def _is_error(status: int, body, code: str | None = None) -> bool:
    shaped = (isinstance(body, dict) and set(body) == {"error"}
              and {"code", "message"} <= set(body["error"]) and body["error"]["message"])
    return bool(shaped) and status >= 400 and (code is None or body["error"]["code"] == code)


async def test_nobody_gets_401_and_a_reader_and_an_admin_read_every_page(central, tmp_path):
    leeds, _ = programme(central, tmp_path)
    await leeds.push(*sat("MTH101", "C-1", 15, 20))
    nobody, reader, admin = Browser(central), Browser(central), Browser(central)
    try:
        assert (await reader.log_in(*READER))[0] == 200
        assert (await admin.log_in(*ADMIN))[0] == 200
        for path in READS:
            status, body, _ = await nobody.request("GET", path)
            assert status == 401 and _is_error(status, body, "not_logged_in"), (path, body)
            for who in (reader, admin):
                status, body, _ = await who.request("GET", path)
                assert status == 200, (path, body)
    finally:
        for client in (nobody, reader, admin):
            await client.close()


async def test_a_sitting_published_from_the_page_is_followed_to_its_results(central, tmp_path):
    leeds, york = programme(central, tmp_path)
    reader, admin = Browser(central), Browser(central)
    try:
        await reader.log_in(*READER)
        await admin.log_in(*ADMIN)
        status, error, _ = await reader.request("POST", "/api/sittings",
                                                {**SITTING, "hall_id": leeds.hall_id})
        assert status == 403 and _is_error(status, error, "not_admin")
        assert (await reader.request("GET", "/api/sittings/progress"))[1]["sittings"] == []

        status, made, _ = await admin.request("POST", "/api/sittings",
                                              {**SITTING, "hall_id": leeds.hall_id})
        assert status == 200, made
        listed = (await reader.request("GET", "/api/sittings/progress"))[1]["sittings"]
        assert [(s["id"], s["hall_name"], s["state"], s["received_at"], s["present"])
                for s in listed] == [(made["id"], "Leeds Hall", "published", None, 0)]

        sitting = made["id"]
        await leeds.push(
            {"kind": "central_item_applied", "seq": made["seq"], "item_kind": "sitting"},
            *[{"kind": "sitting_checked_in", "sitting_id": sitting, "registration_number": n}
              for n in ("C-1", "C-2")],
            {"kind": "sitting_started", "sitting_id": sitting, "checked_in": 2},
            *sat("MTH101", "C-1", 18, 20), *sat("MTH101", "C-2", 9, 20),
            {"kind": "incident_recorded", "sitting_id": sitting, "category": "illness",
             "text": "Felt faint at 10:05, left for ten minutes.", "registration_number": "C-2",
             "by": "invigilator", "occurred_at": 1_900_000_000.0},
            {"kind": "sitting_ended", "sitting_id": sitting, "checked_in": 2, "submitted": 2})
        await york.push(*sat("MTH101", "C-3", 20, 20))

        (row,) = (await reader.request("GET", "/api/sittings/progress"))[1]["sittings"]
        assert (row["state"], row["received"], row["present"], row["submitted"], row["synced"]) \
            == ("ended", True, 2, 2, 2)
        assert row["received_at"] and row["started_at"] and row["ended_at"]
        status, error, _ = await admin.request("POST", f"/api/sittings/{sitting}/change",
                                               {"late_entry_minutes": 5})
        assert status == 409 and _is_error(status, error, "sitting_started")

        (exam,) = (await reader.request("GET", "/api/results"))[1]["exams"]
        assert (exam["exam_id"], exam["title"], exam["count"], exam["mean_score"]) \
            == ("MTH101", "Mathematics", 3, 15.67)
        assert [b["count"] for b in exam["distribution"]] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 2]
        assert [(h["hall_name"], h["count"], h["mean_percent"]) for h in exam["halls"]] \
            == sorted([("Leeds Hall", 2, 67.5), ("York Hall", 1, 100.0)],
                      key=lambda h: {"Leeds Hall": leeds.hall_id, "York Hall": york.hall_id}[h[0]])

        status, record, _ = await reader.request("GET", "/api/candidates/C-2")
        assert (status, record["name"]) == (200, "Bola Ade")
        assert [(s["hall_id"], s["score"], s["state"]) for s in record["sessions"]] \
            == [(leeds.hall_id, 9, "completed")]
        assert [(i["category"], i["sitting_id"]) for i in record["incidents"]] \
            == [("illness", sitting)]

        status, text, _ = await reader.request("GET", "/api/exports/sittings.csv")
        (exported,) = list(csv.DictReader(io.StringIO(text)))
        for column in ("starts_at", "published_at", "received_at", "started_at", "ended_at"):
            assert ISO_UTC.match(exported[column]), (column, exported)
        assert exported["hall_name"] == "Leeds Hall" and exported["synced"] == "2"
        status, shown, response = await reader.request("GET", "/api/exports/incidents.json")
        assert 'filename="incidents.json"' in response.headers["Content-Disposition"]
        assert shown["format"] == "examhall-central-incidents" and shown["version"] == 1
        assert shown["incidents"][0]["occurred_at"].startswith("2030-03-17T")
        status, text, _ = await reader.request("GET", "/api/exports/results.csv")
        assert [(r["hall_name"], r["count"]) for r in csv.DictReader(io.StringIO(text))][0] \
            == ("", "3")
        by_cli = json.loads(syncd_ok("central", "export", "--what", "sittings", "--format", "json",
                                     "--config", str(central.directory / "central.toml")))
        assert [(s["id"], s["synced"]) for s in by_cli["sittings"]] == [(sitting, 2)]
        assert ISO_UTC.match(by_cli["sittings"][0]["received_at"])
    finally:
        await reader.close()
        await admin.close()


async def test_bad_input_gets_the_one_error_shape_and_changes_nothing(central, tmp_path):
    leeds, _ = programme(central, tmp_path)
    admin = Browser(central)
    try:
        await admin.log_in(*ADMIN)
        halls_before = (await admin.request("GET", "/api/halls"))[1]
        bad = [({**SITTING}, 422), ({**SITTING, "hall_id": leeds.hall_id, "starts": "tomorrow"}, 422),
               ({**SITTING, "hall_id": leeds.hall_id, "policy": "whenever"}, 422),
               ({**SITTING, "hall_id": leeds.hall_id, "late_entry_minutes": -3}, 422),
               ({**SITTING, "hall_id": leeds.hall_id, "exam_id": "NOPE"}, 404),
               ({**SITTING, "hall_id": "no-such-hall"}, 404), ("not an object", 400)]
        for body, expected in bad:
            status, error, _ = await admin.request("POST", "/api/sittings", body)
            assert status == expected and _is_error(status, error), (body, status, error)
        status, error, _ = await admin.request("POST", "/api/sittings/nope/change", {"name": "X"})
        assert status == 404 and _is_error(status, error)
        assert (await admin.request("GET", "/api/sittings/progress"))[1]["sittings"] == []
        assert (await admin.request("GET", "/api/halls"))[1] == halls_before

        for path, code in (("/api/candidates/NOBODY", 404), ("/api/exports/secrets.csv", 404),
                           ("/api/exports/sittings.xml", 404)):
            status, error, _ = await admin.request("GET", path)
            assert status == code and _is_error(status, error, "not_found"), (path, error)
    finally:
        await admin.close()


async def test_a_second_sealed_sitting_of_an_exam_at_one_hall_is_refused_with_what_will_do(
        central, tmp_path):
    leeds, _ = programme(central, tmp_path)
    admin = Browser(central)
    try:
        await admin.log_in(*ADMIN)
        sealed = {**SITTING, "hall_id": leeds.hall_id, "sealed": True}
        status, first, _ = await admin.request("POST", "/api/sittings",
                                               {**sealed, "registration_numbers": ["C-1"]})
        assert status == 200 and first["sealed"], first
        second = {**sealed, "registration_numbers": ["C-2"]}
        status, error, _ = await admin.request("POST", "/api/sittings", second)
        assert status == 409 and _is_error(status, error, "conflict")
        assert f"Release {first['id']} first" in error["error"]["message"]
        assert len((await admin.request("GET", "/api/sittings"))[1]["sittings"]) == 1

        assert (await admin.request("POST", f"/api/sittings/{first['id']}/release", {}))[0] == 200
        status, error, _ = await admin.request("POST", "/api/sittings", second)
        assert status == 409 and "open at this hall already" in error["error"]["message"]
        status, made, _ = await admin.request("POST", "/api/sittings",
                                              {**second, "sealed": False})
        assert status == 200 and not made["sealed"], made
    finally:
        await admin.close()
