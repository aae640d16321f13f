"""Session data at rest: the hall's files hold none of it in the clear, and sealed rows cannot move.

A real `hall serve` takes saves whose content is distinctive; while it still runs (so the WAL holds
the latest commits) the raw bytes of hall.db and hall.db-wal are searched for what only session
data contains: a question id next to the option chosen for it, the JSON keys of a session, the
position and the client's clock. Exam content (question ids, option keys) is in the clear by design,
so the search looks for the pairs, not for either half alone. Positive controls show the same
search finds the same text when it is stored unsealed, and that the sealed rows do hold it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hallserver.app import create_app
from hallserver.cli import main
from hallserver.config import HallConfig
from examkit.sealing import FORMAT_VERSION, DataKey, SealError
from hallserver.domain.log.events import associated_data
from hallserver.runtime import DATA_KEY_FILE
from hallserver.domain.sessions.live import session_aad
from tests.conftest import login
from tests.halls import candidate_rows, make_hall
from tests.serving import ServedHall, log_in

pytestmark = pytest.mark.slow

Q_ZEBRA, Q_OKAPI, Q_PLAIN = "Q-ZEBRA-7f3a9c", "Q-OKAPI-2b6d41", "Q-PLAIN-0e1f22"
OPT_QUAGGA, OPT_AARDVARK = "OPT-QUAGGA-91c2e8", "OPT-ÄRDVARK-5d0e77"
OPT_OTHER_1, OPT_OTHER_2 = "OPT-GNU-44af10", "OPT-TAPIR-8b3c5e"
POSITION, CLIENT_CLOCK = 98765, 1234.5678

EXAM: dict[str, Any] = {
    "id": "MTH101", "title": "Markers", "duration_minutes": 60,
    "questions": [
        {"id": Q_ZEBRA, "text": "Pick one.", "answer": OPT_OTHER_1,
         "options": {OPT_QUAGGA: "first", OPT_OTHER_1: "second"}},
        {"id": Q_OKAPI, "text": "Pick one.", "answer": OPT_OTHER_2,
         "options": {OPT_AARDVARK: "first", OPT_OTHER_2: "second"}},
        {"id": Q_PLAIN, "text": "Pick one.", "answer": OPT_OTHER_1,
         "options": {OPT_QUAGGA: "first", OPT_OTHER_1: "second"}},
    ],
}
SESSION_SAVE = {"answers": {Q_ZEBRA: OPT_QUAGGA, Q_OKAPI: OPT_AARDVARK},
                "marked_questions": [Q_OKAPI], "current_question": POSITION,
                "time_remaining": CLIENT_CLOCK, "device_seq": 1}
PAPER = "/student/exam/MTH101"


def _spellings(key: str, value: Any) -> set[bytes]:
    """`"key":value` as JSON may spell it: with or without a space, UTF-8 or \\u-escaped,
    and once more escaped (JSON inside a JSON string)."""
    found = set()
    for ensure_ascii in (False, True):
        k, v = (json.dumps(x, ensure_ascii=ensure_ascii) for x in (key, value))
        for separator in (":", ": "):
            text = f"{k}{separator}{v}"
            found |= {text.encode(), json.dumps(text, ensure_ascii=ensure_ascii)[1:-1].encode()}
    return found


# What only session data holds, each as every spelling it could take on disk.
SESSION_ONLY: dict[str, set[bytes]] = {
    "an answer (question and option)": _spellings(Q_ZEBRA, OPT_QUAGGA),
    "a non-ASCII answer": _spellings(Q_OKAPI, OPT_AARDVARK),
    "the marked questions": _spellings("marked_questions", [Q_OKAPI]),
    "the position": _spellings("current_question", POSITION),
    "the client's clock": _spellings("time_remaining", CLIENT_CLOCK) | {b"1234.5678"},
    "the answers key": {b'"answers"', b'\\"answers\\"'},
    "the session keys": {b"marked_questions", b"current_question", b"time_remaining"},
}
# What only a completed session's sealed result holds.
RESULT_ONLY: dict[str, set[bytes]] = {
    "the outcomes": {b'"outcomes"', b'\\"outcomes\\"', b'"max_score"', b'\\"max_score\\"'},
}


def found_in(blob: bytes, groups: dict[str, set[bytes]]) -> dict[str, list[bytes]]:
    """Which groups have a spelling in `blob`, and which spellings."""
    hits = {name: sorted(s for s in spellings if s in blob) for name, spellings in groups.items()}
    return {name: spellings for name, spellings in hits.items() if spellings}


def files_of(database: Path) -> bytes:
    """The raw bytes of a SQLite database and its WAL (which must exist and hold frames)."""
    wal = database.with_name(database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, f"{wal} is missing or empty"
    return database.read_bytes() + wal.read_bytes()


def read_only(database: Path) -> sqlite3.Connection:
    """A stdlib connection that never writes (the hall server keeps running)."""
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True)


def sealed_rows(config: HallConfig) -> tuple[dict[str, bytes], list[tuple[int, int, str, bytes]],
                                              str, list[bytes]]:
    """Session rows by id, events (seq, epoch, kind, body), the hall id, sealed results."""
    with read_only(config.database_path) as connection:
        sessions = dict(connection.execute("SELECT id, session_data FROM exam_sessions"))
        events = connection.execute("SELECT seq, epoch, kind, body FROM events ORDER BY seq").fetchall()
        hall_id = connection.execute("SELECT value FROM hall_meta WHERE key = 'hall_id'").fetchone()[0]
        results = [r for (r,) in connection.execute(
            "SELECT result FROM exam_records WHERE result IS NOT NULL")]
    connection.close()
    return sessions, events, hall_id, results


async def sit(served: ServedHall, index: int, complete: bool = False) -> None:
    """Candidate `index` logs in, opens the paper, saves the distinctive session (and submits)."""
    registration, _, pin = candidate_rows(index + 1)[index]
    async with served.client() as client:
        await log_in(client, registration, pin)
        async with client.get(PAPER) as response:
            assert response.status == 200, await response.text()
        async with client.post(PAPER + "/session/save", json=SESSION_SAVE) as response:
            assert response.status == 200, await response.text()
        if complete:
            async with client.post(PAPER + "/session/complete", json={}) as response:
                assert response.status == 200, await response.text()


async def test_hall_files_hold_no_session_data_in_the_clear(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=2, exam=EXAM)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    with ServedHall(config) as served:
        await sit(served, 0)
        await sit(served, 1, complete=True)
        on_disk = files_of(config.database_path)
        sessions, events, hall_id, results = sealed_rows(config)

        assert found_in(on_disk, SESSION_ONLY | RESULT_ONLY) == {}
        # Positive control: the sealed rows are in those very bytes, and they do hold the text.
        assert len(sessions) == 2 and len(results) == 1
        opened = []
        for session_id, sealed in sessions.items():
            assert sealed[0] == FORMAT_VERSION and sealed[1:5] == key.key_id
            assert sealed in on_disk
            opened.append(key.open(sealed, session_aad(session_id)))
        assert set(found_in(b"\n".join(opened), SESSION_ONLY)) == set(SESSION_ONLY)
        served.stop()

    kinds = {kind for _, _, kind, _ in events}
    assert {"session_started", "answers_saved", "session_completed"} <= kinds
    bodies = []
    for seq, epoch, _, body in events:
        assert body[0] == FORMAT_VERSION and body[1:5] == key.key_id
        assert found_in(body, SESSION_ONLY | RESULT_ONLY) == {}
        bodies.append(key.open(body, associated_data(hall_id, epoch, seq)))
    saved = [b for b, (_, _, kind, _) in zip(bodies, events, strict=True) if kind == "answers_saved"]
    assert {"an answer (question and option)", "a non-ASCII answer", "the marked questions",
            "the position", "the answers key"} <= set(found_in(b"\n".join(saved), SESSION_ONLY))
    assert found_in(b"\n".join(bodies), RESULT_ONLY)


def test_the_search_finds_session_data_stored_unsealed(tmp_path):
    """Positive control: the same plaintext in an ordinary SQLite file (WAL) is found."""
    plaintext = json.dumps({"current_question": POSITION, "answers": SESSION_SAVE["answers"],
                            "marked_questions": [Q_OKAPI], "time_remaining": CLIENT_CLOCK},
                           separators=(",", ":"))
    scratch = tmp_path / "scratch.db"
    connection = sqlite3.connect(scratch)
    try:
        assert connection.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        connection.execute("CREATE TABLE exam_sessions (id TEXT PRIMARY KEY, session_data BLOB)")
        with connection:
            connection.execute("INSERT INTO exam_sessions VALUES ('s', ?)", (plaintext.encode(),))
        assert set(found_in(files_of(scratch), SESSION_ONLY)) == set(SESSION_ONLY)
    finally:
        connection.close()


async def test_sealed_data_moved_to_another_row_does_not_open(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=2, exam=EXAM)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    with ServedHall(config) as served:
        await sit(served, 0)
        async with served.client() as client:  # candidate 1 saves something else
            registration, _, pin = candidate_rows(2)[1]
            await log_in(client, registration, pin)
            async with client.post(PAPER + "/session/save",
                                   json={"answers": {Q_PLAIN: OPT_OTHER_1}}) as response:
                assert response.status == 200, await response.text()
        served.stop()

    with read_only(config.database_path) as connection:
        (first_id, first_data), (second_id, second_data) = connection.execute(
            "SELECT s.id, s.session_data FROM exam_sessions s JOIN exam_records r "
            "ON r.id = s.exam_record_id ORDER BY r.candidate_id").fetchall()
        hall_id = connection.execute("SELECT value FROM hall_meta WHERE key = 'hall_id'").fetchone()[0]
        (epoch, body), = connection.execute("SELECT epoch, body FROM events WHERE seq = 1")
    connection.close()
    assert json.loads(key.open(first_data, session_aad(first_id)))["current_question"] == POSITION
    with pytest.raises(SealError):
        key.open(first_data, session_aad(second_id))
    key.open(body, associated_data(hall_id, epoch, 1))
    with pytest.raises(SealError):
        key.open(body, associated_data(hall_id, epoch, 2))

    # For real: copy the first candidate's sealed session onto the second one's row.
    with sqlite3.connect(config.database_path) as connection:
        connection.execute("UPDATE exam_sessions SET session_data = ? WHERE id = ?",
                           (first_data, second_id))
    connection.close()
    with ServedHall(config) as served:
        registration, _, pin = candidate_rows(2)[1]
        async with served.client() as client:
            async with client.post("/student/login", json={"registration_number": registration,
                                                           "pin": pin}) as response:
                logged_in = response.status == 200
                if not logged_in:
                    assert set(await response.json()) == {"error"}
            if logged_in:
                async with client.get(PAPER + "/session/restore") as response:
                    text = await response.text()
                    assert response.status != 200 and set(json.loads(text)) == {"error"}, text
        served.stop()


async def test_a_damaged_session_row_says_so_and_does_not_block_login(tmp_path, aiohttp_client):
    config = make_hall(tmp_path / "hall")
    client = await aiohttp_client(create_app(config))
    await login(client, 1)
    await client.post("/student/exam/MTH101/session/save", json={"answers": {"1": "A"}})
    await client.close()
    damaged = sqlite3.connect(config.database_path)
    with damaged:
        (sealed,) = damaged.execute("SELECT session_data FROM exam_sessions").fetchone()
        flipped = sealed[:-1] + bytes([sealed[-1] ^ 0x01])  # one bit of the tag
        damaged.execute("UPDATE exam_sessions SET session_data = ?", (flipped,))
    damaged.close()

    client = await aiohttp_client(create_app(config))
    await login(client, 1)  # login still works: the candidate is not locked out
    response = await client.get("/student/exam/MTH101/session/restore")
    assert response.status == 500
    error = (await response.json())["error"]
    assert error["code"] == "damaged_record" and "C0002" in error["message"]
    inspected = CliRunner().invoke(main, ["sessions", "inspect", "C0002", "--config",
                                          str(config.base_dir / "hall.toml")])
    assert inspected.exit_code == 0 and '"status": "unreadable"' in inspected.output
