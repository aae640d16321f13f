"""Hall admin: analytics, storage and purge, backups under load, performance, /metrics, inspector."""

from __future__ import annotations

import asyncio
import time
import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from hallserver.app import create_app
from hallserver.cli import main
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain.log import storage
from hallserver.domain.log.events import verify_chain
from tests.conftest import login
from tests.halls import add_staff_member, candidate_rows, make_hall
from tests.serving import HallProcess, ServedHall, log_in

SAVE = "/student/exam/MTH101/session/save"


@pytest.fixture
def admin_hall(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=5)
    add_staff_member(config, "ada", "admin", "ada-password")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    return config


async def as_staff(client, name: str) -> None:
    response = await client.post("/staff/login", json={"name": name, "password": f"{name}-password"})
    assert response.status == 200


async def test_analytics_performance_and_inspector(admin_hall, aiohttp_client):
    candidate = await aiohttp_client(create_app(admin_hall))
    await login(candidate)
    for n in range(1, 6):
        assert (await candidate.post(SAVE, json={"answers": {str(n): "B"}})).status == 200
    await candidate.post("/student/exam/MTH101/session/report",
                         json={"failed_saves": 1, "offline_seconds": 42})
    admin = await aiohttp_client(candidate.server)
    await as_staff(admin, "ada")

    figures = await (await admin.get("/admin/analytics")).json()
    assert sum(m["saves"] for m in figures["saves_per_minute"]) == 5
    assert figures["sessions_by_state"] == {"in_progress": 1, "assigned": 4}
    assert figures["offline_periods"]["C0001"][0]["seconds"] == 42
    assert figures["save_latency_ms"]["p50"] is not None

    performance = await (await admin.get("/admin/performance")).json()
    assert performance["write_jobs"] >= 6 and performance["memory_bytes"] > 0
    assert performance["requests"]["/student/exam/{exam_id}/session/save"] == 5

    inspected = await (await admin.get("/admin/candidates/C0001")).json()
    assert inspected["chain"]["verified"] is True
    [session] = inspected["sessions"]
    assert session["session_data"]["answers"] == {str(n): "B" for n in range(1, 6)}
    assert [h["kind"] for h in session["history"]].count("answers_saved") == 5
    assert (await admin.get("/admin/candidates/NOBODY")).status == 404
    [waiting] = (await (await admin.get("/admin/candidates/C0002")).json())["sessions"]
    assert waiting["status"] == "assigned" and waiting["session_id"] is None  # as the API says

    invigilator = await aiohttp_client(candidate.server)
    await as_staff(invigilator, "ivy")
    assert (await invigilator.get("/admin/candidates/C0001")).status == 403
    assert (await invigilator.post("/admin/backup")).status == 403


async def test_metrics_pass_a_prometheus_parser(admin_hall, aiohttp_client):
    client = await aiohttp_client(create_app(admin_hall))
    await login(client)
    await client.post(SAVE, json={"answers": {"1": "A"}})
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    families = {f.name: f for f in text_string_to_metric_families(await response.text())}
    assert {"examhall_requests", "examhall_request_seconds", "examhall_write_batch_jobs",
            "examhall_event_loop_lag_seconds", "examhall_database_bytes",
            "examhall_disk_free_bytes"} <= set(families)
    saves = [s for s in families["examhall_requests"].samples
             if s.labels.get("route") == "/student/exam/{exam_id}/session/save"]
    assert saves and saves[0].value == 1
    assert "C0001" not in await response.text()  # numbers only: no candidate in the figures


def _log_state(config):
    engine = engines.sync_engine(config.database_path)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT seq, hash, epoch FROM events ORDER BY seq").all()
        hall_id, _ = migrate.read_identity(connection)
    engine.dispose()
    return rows, hall_id


async def _hall_with_events(config, aiohttp_client, saves: int = 12):
    client = await aiohttp_client(create_app(config))
    await login(client)
    for n in range(saves):
        await client.post(SAVE, json={"answers": {str(n % 20 + 1): "ABCD"[n % 4]}})
    await client.close()


def _note_central(config, epoch: int, high_water_mark: int, head_hash: bytes) -> None:
    state_dir = config.base_dir / config.sync.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "state.json").write_text(json.dumps({"version": 1, "central": {
        "epoch": epoch, "high_water_mark": high_water_mark, "head_hash": head_hash.hex()}}))


async def test_purge_removes_only_what_the_central_acknowledged(admin_hall, aiohttp_client):
    await _hall_with_events(admin_hall, aiohttp_client)
    rows, hall_id = _log_state(admin_hall)
    assert len(rows) >= 12
    mark = rows[7]

    result = CliRunner().invoke(main, ["storage", "purge", "--config",
                                       str(admin_hall.base_dir / "hall.toml")])
    assert result.exit_code == 0 and "nothing removed" in result.output

    _note_central(admin_hall, mark.epoch, mark.seq, b"\x00" * 32)  # a note that does not match
    engine = engines.sync_engine(admin_hall.database_path)
    with engine.begin() as connection:
        assert storage.purge(connection, storage.central_acknowledgement(admin_hall), 1e12) == 0

    _note_central(admin_hall, mark.epoch, mark.seq, mark.hash)
    with engine.begin() as connection:
        removed = storage.purge(connection, storage.central_acknowledgement(admin_hall), 1e12)
    assert removed == mark.seq
    after, _ = _log_state(admin_hall)
    assert [r.seq for r in after] == [r.seq for r in rows if r.seq > mark.seq]
    key = DataKey.from_file(admin_hall.secrets_dir / "data.key")
    with engine.connect() as connection:
        assert verify_chain(connection, key, hall_id) == len(rows) - mark.seq
    engine.dispose()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40))
def test_purge_never_removes_an_unacknowledged_event(tmp_path_factory, mark, young_from):
    directory = tmp_path_factory.mktemp("purge")
    connection = sqlite3.connect(directory / "log.db")
    engine = engines.sync_engine(directory / "log.db")
    migrate.upgrade(engine)
    hashes = {}
    with engine.begin() as c:
        for seq in range(1, 41):
            hashes[seq] = bytes([seq]) * 32
            c.exec_driver_sql("INSERT INTO events VALUES (?, 1, 'answers_saved', 's', ?, x'00', ?, ?)",
                              (seq, float(seq), hashes.get(seq - 1, bytes(32)), hashes[seq]))
    acknowledged = storage.Acknowledged(1, mark, hashes.get(mark, bytes(32)))
    with engine.begin() as c:
        storage.purge(c, acknowledged, older_than=float(young_from))
    left = [r[0] for r in connection.execute("SELECT seq FROM events ORDER BY seq")]
    connection.close()
    engine.dispose()
    assert left == list(range(left[0] if left else 41, 41))  # still a contiguous tail
    removed = set(range(1, 41)) - set(left)
    assert all(seq <= mark and float(seq) < young_from for seq in removed)


def test_a_backup_taken_under_load_opens_and_passes_integrity_check(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=10)
    add_staff_member(config, "ada", "admin", "ada-password")
    with ServedHall(config) as served:
        stop = threading.Event()
        saved = [0]

        async def candidate(index: int) -> None:
            registration, _, pin = candidate_rows(10)[index]
            async with served.client() as client:
                await log_in(client, registration, pin)
                n = 0
                while not stop.is_set():
                    n += 1
                    async with client.post(SAVE, json={"answers": {str(n % 20 + 1): "A"},
                                                       "device_seq": n}) as response:
                        assert response.status == 200
                        saved[0] += 1

        async def load_and_back_up() -> dict:
            workers = [asyncio.create_task(candidate(i)) for i in range(10)]
            deadline = time.monotonic() + 60
            while saved[0] < 200:
                assert time.monotonic() < deadline, f"only {saved[0]} saves in 60 s"
                await asyncio.sleep(0.01)
            async with served.client() as admin:
                await admin.post("/staff/login", json={"name": "ada", "password": "ada-password"})
                async with admin.post("/admin/backup") as response:
                    made = await response.json()
            with HallProcess("backup", str(tmp_path / "cli-backup.db"), "--config",
                             str(config.base_dir / "hall.toml")) as cli:
                assert cli.wait() == 0, cli.output
            stop.set()
            await asyncio.gather(*workers)
            return made

        made = asyncio.run(load_and_back_up())
        served.stop()
    assert made["integrity_check"] == "ok"
    key = DataKey.from_file(config.secrets_dir / "data.key")
    for path in (made["file"], tmp_path / "cli-backup.db"):
        copy = sqlite3.connect(path)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM events").fetchone()[0] > 10
        copy.close()
        engine = engines.sync_engine(path)
        with engine.connect() as connection:
            hall_id, _ = migrate.read_identity(connection)
            assert verify_chain(connection, key, hall_id) > 10
        engine.dispose()


def test_storage_report_and_vacuum(admin_hall):
    runner = CliRunner()
    config_arg = ["--config", str(admin_hall.base_dir / "hall.toml")]
    report = runner.invoke(main, ["storage", "report", *config_arg])
    assert report.exit_code == 0
    held = json.loads(report.output)
    assert held["sessions_by_state"] == {"assigned": 5} and held["database_bytes"] > 0
    vacuumed = runner.invoke(main, ["storage", "vacuum", *config_arg])
    assert vacuumed.exit_code == 0 and "->" in vacuumed.output
