"""A database made by the first schema is upgraded in place and keeps every row."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner
from sqlalchemy import inspect, text

from hallserver.app import create_app
from hallserver.cli import main
from hallserver.config import load
from examkit.passwords import hash_secret
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from examkit.chain import GENESIS, canonical, chain_hash
from hallserver.domain.log.events import associated_data, verify_chain
from hallserver.domain.sessions.live import session_aad
from hallserver.setup_hall import init_hall
from tests.halls import TEST_SETTINGS

SESSION_ID = "0" * 31 + "1"


def _first_schema_hall(directory):
    """A hall whose database was made by schema 0001, with a session in progress."""
    init_hall(directory, tls=False, extra=TEST_SETTINGS)
    config = load(directory / "hall.toml")
    config.database_path.unlink()
    engine = engines.sync_engine(config.database_path)
    migrate.upgrade(engine, "0001")
    migrate.ensure_identity(engine)
    key = DataKey.from_file(config.secrets_dir / "data.key")
    now = time.time()
    data = {"current_question": 3, "answers": {"1": "B", "2": "C"}, "marked_questions": ["2"],
            "time_remaining": 900, "stamps": {}}
    with engine.begin() as c:
        hall_id, epoch = migrate.read_identity(c)
        c.execute(text("INSERT INTO exams VALUES ('OLD1', 'Old exam', 3600, 0, 0, :now)"), {"now": now})
        for n in (1, 2, 3):
            c.execute(text("INSERT INTO questions VALUES ('OLD1', :id, :pos, 'choice', 'Q', :opts, '\"B\"')"),
                      {"id": str(n), "pos": n, "opts": json.dumps({"A": "a", "B": "b", "C": "c"})})
        c.execute(text("INSERT INTO candidates VALUES (1, 'R1', 'Old Candidate', :pin, :now)"),
                  {"pin": hash_secret("4321", 10), "now": now})
        c.execute(text("INSERT INTO exam_records VALUES (1, 1, 'OLD1', 'in_progress', :now, :deadline, NULL, NULL)"),
                  {"now": now, "deadline": now + 3600})
        sealed = key.seal(json.dumps(data).encode(), session_aad(SESSION_ID))
        c.execute(text("INSERT INTO exam_sessions VALUES (:id, 1, 4, :data, 1, :now, :now, :now)"),
                  {"id": SESSION_ID, "data": sealed, "now": now})
        body = canonical({"kind": "session_started", "session_id": SESSION_ID, "at": now})
        c.execute(text("INSERT INTO events VALUES (1, :epoch, 'session_started', :sid, :now, :body, :prev, :hash)"),
                  {"epoch": epoch, "sid": SESSION_ID, "now": now, "prev": GENESIS,
                   "body": key.seal(body, associated_data(hall_id, epoch, 1)),
                   "hash": chain_hash(GENESIS, 1, body)})
    engine.dispose()
    return config


def test_hall_db_upgrade_keeps_every_row(tmp_path):
    config = _first_schema_hall(tmp_path / "hall")
    result = CliRunner().invoke(main, ["db", "upgrade", "--config", str(tmp_path / "hall" / "hall.toml")])
    assert result.exit_code == 0, result.output
    assert f"0001 -> {migrate.head_revision()}" in result.output

    engine = engines.sync_engine(config.database_path)
    with engine.connect() as c:
        assert migrate.current_revision(engine) == migrate.head_revision()
        columns = {col["name"] for col in inspect(c).get_columns("exam_sessions")}
        assert {"lease_device", "lease_since"} <= columns
        assert c.execute(text("SELECT count(*) FROM questions")).scalar_one() == 3
        assert c.execute(text("SELECT revision FROM exam_sessions")).scalar_one() == 4
        key = DataKey.from_file(config.secrets_dir / "data.key")
        hall_id, _ = migrate.read_identity(c)
        assert verify_chain(c, key, hall_id) == 1
    engine.dispose()


async def test_serving_an_old_database_upgrades_it_and_resumes_the_session(tmp_path, aiohttp_client):
    config = _first_schema_hall(tmp_path / "hall")
    client = await aiohttp_client(create_app(config))
    response = await client.post("/student/login", json={"registration_number": "R1", "pin": "4321"})
    assert response.status == 200
    restored = await (await client.get("/student/exam/OLD1/session/restore")).json()
    assert restored["revision"] == 4
    assert restored["session_data"]["answers"] == {"1": "B", "2": "C"}
    assert restored["session_data"]["marked_questions"] == ["2"]
    saved = await client.post("/student/exam/OLD1/session/save", json={"answers": {"3": "A"}})
    assert (await saved.json())["revision"] == 5


def _old_order(items: list[str], seed: str) -> list[str]:
    """The order schema 0002 drew for a paper (it stored none)."""
    import hashlib
    import random
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    items = list(items)
    rng.shuffle(items)
    return items


def _schema_0002_hall_with_a_shuffled_session(directory):
    """A hall at schema 0002 whose shuffled exam SHUF1 is being sat by R7."""
    init_hall(directory, tls=False, extra=TEST_SETTINGS)
    config = load(directory / "hall.toml")
    config.database_path.unlink()
    engine = engines.sync_engine(config.database_path)
    migrate.upgrade(engine, "0002")
    migrate.ensure_identity(engine)
    key = DataKey.from_file(config.secrets_dir / "data.key")
    now = time.time()
    options = json.dumps({"A": "a", "B": "b", "C": "c", "D": "d"})
    data = {"current_question": 1, "answers": {"q2": "C"}, "marked_questions": [],
            "time_remaining": 900, "stamps": {}}
    with engine.begin() as c:
        hall_id, _ = migrate.read_identity(c)
        c.execute(text("INSERT INTO exams (id, title, duration_seconds, shuffle_questions, "
                       "shuffle_options, created_at) VALUES ('SHUF1', 'Shuffled', 3600, 1, 1, :now)"),
                  {"now": now})
        for n in range(1, 9):
            c.execute(text("INSERT INTO questions (exam_id, id, position, kind, text, options, answer) "
                           "VALUES ('SHUF1', :id, :pos, 'choice', 'Q', :opts, '\"B\"')"),
                      {"id": f"q{n}", "pos": n, "opts": options})
        c.execute(text("INSERT INTO candidates (id, registration_number, name, pin_hash, created_at) "
                       "VALUES (1, 'R7', 'Running Candidate', :pin, :now)"),
                  {"pin": hash_secret("7777", 10), "now": now})
        c.execute(text("INSERT INTO exam_records (id, candidate_id, exam_id, status, started_at, "
                       "deadline) VALUES (1, 1, 'SHUF1', 'in_progress', :now, :deadline)"),
                  {"now": now, "deadline": now + 3600})
        c.execute(text("INSERT INTO exam_sessions (id, exam_record_id, revision, session_data, active, "
                       "last_saved, created_at, updated_at, lease_device, lease_since) "
                       "VALUES (:id, 1, 2, :data, 1, :now, :now, :now, NULL, NULL)"),
                  {"id": SESSION_ID, "now": now,
                   "data": key.seal(json.dumps(data).encode(), session_aad(SESSION_ID))})
    engine.dispose()
    seed = f"{hall_id}|SHUF1|R7"
    questions = _old_order([f"q{n}" for n in range(1, 9)], seed)
    return config, [(q, _old_order(["A", "B", "C", "D"], f"{seed}|{q}")) for q in questions]


async def test_0003_stores_the_order_a_running_session_was_shown(tmp_path, aiohttp_client):
    config, shown_before = _schema_0002_hall_with_a_shuffled_session(tmp_path / "hall")
    result = CliRunner().invoke(main, ["db", "upgrade", "--config", str(tmp_path / "hall" / "hall.toml")])
    assert result.exit_code == 0, result.output
    assert "0002 -> " in result.output

    engine = engines.sync_engine(config.database_path)
    with engine.connect() as c:
        stored = json.loads(c.execute(text("SELECT question_order FROM exam_sessions")).scalar_one())
        assert c.execute(text("SELECT count(*) FROM questions WHERE html IS NULL")).scalar_one() == 8
        assert c.execute(text("SELECT key_version FROM exams")).scalar_one() == 1
        columns = {col["name"] for col in inspect(c).get_columns("candidates")}
    engine.dispose()
    assert [(q, stored["options"][q]) for q in stored["questions"]] == shown_before
    assert "pin_sealed" in columns

    client = await aiohttp_client(create_app(config))
    response = await client.post("/student/login", json={"registration_number": "R7", "pin": "7777"})
    assert response.status == 200
    paper = await (await client.get("/student/exam/SHUF1")).json()
    assert [(q["id"], list(q["options"])) for q in paper["questions"]] == shown_before
    assert paper["questions"][0]["kind"] == "choice" and paper["questions"][0]["html"] == "<p>Q</p>"
    restored = await (await client.get("/student/exam/SHUF1/session/restore")).json()
    assert restored["revision"] == 2 and restored["session_data"]["answers"] == {"q2": "C"}
