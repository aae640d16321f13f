"""A database made by the first schema is upgraded in place and keeps every row."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner
from sqlalchemy import inspect, text

from hallserver.app import create_app
from hallserver.cli import main
from hallserver.config import load
from hallserver.crypto.passwords import hash_secret
from hallserver.crypto.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain.events import GENESIS, associated_data, canonical, chain_hash, verify_chain
from hallserver.domain.live import session_aad
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
