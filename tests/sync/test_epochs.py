"""A hall database restored from a backup begins a new epoch: the central keeps what it holds,
follows the restored history from where both agree, and completed sessions stay final."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.sync.conftest import assert_same_sessions, sync_hall
from tests.sync.processes import hall_toml, syncd, syncd_ok
from tests.sync.traffic import exam_traffic, hall_chain, hall_in_process, hall_sessions

pytestmark = pytest.mark.slow


def _backup(source, target) -> None:
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)


def _restore(backup, config) -> None:
    for suffix in ("-wal", "-shm"):
        config.database_path.with_name(config.database_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, config.database_path)


@pytest.mark.parametrize("sync_dir", ["kept", "restored too"])
async def test_a_restored_hall_begins_a_new_epoch_and_completed_sessions_stay_final(
        tmp_path, central, sync_dir):
    config = sync_hall(tmp_path / "hall", central, candidates=4)
    api = central.api()
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=4, saves=3, complete_share=0.0, seed=1)
    syncd_ok("once", "--config", hall_toml(config))
    _backup(config.database_path, tmp_path / "backup.db")
    shutil.copytree(config.base_dir / "sync", tmp_path / "sync-backup")
    async with hall_in_process(config) as url:  # after the backup: more saves, then submitted
        await exam_traffic(url, count=4, saves=2, complete_share=1.0, seed=2)
    syncd_ok("once", "--config", hall_toml(config))
    hall_id = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]
    final = await api.sessions(hall_id)
    assert {s["state"] for s in final.values()} == {"completed"}
    held_before = (await api.hall(hall_id))["events_stored"]

    _restore(tmp_path / "backup.db", config)  # the disk died; last night's backup comes back
    if sync_dir == "restored too":
        shutil.rmtree(config.base_dir / "sync")
        shutil.copytree(tmp_path / "sync-backup", config.base_dir / "sync")
        async with hall_in_process(config) as url:  # nothing tells the hall at start
            await exam_traffic(url, count=4, saves=1, complete_share=0.0, seed=3)
        code, output = syncd("once", "--config", hall_toml(config), timeout=60)
        assert code != 0 and "Restart `hall serve`" in output, output
    async with hall_in_process(config) as url:  # epoch 2 begins; candidates go on, submit again
        await exam_traffic(url, count=4, saves=2, complete_share=1.0, seed=4)
    syncd_ok("once", "--config", hall_toml(config))

    chain = hall_chain(config)
    assert await api.line(hall_id) == chain
    row = await api.hall(hall_id)
    assert row["epoch"] == 2 and row["high_water_mark"] == len(chain)
    assert row["events_stored"] > held_before, "what the central held was overwritten"
    after = await api.sessions(hall_id)
    for session_id, before in final.items():  # final at the central: nothing changed them
        assert {k: v for k, v in after[session_id].items() if k != "ignored_after_final"} == \
            {k: v for k, v in before.items() if k != "ignored_after_final"}
        assert after[session_id]["ignored_after_final"] > 0
    assert_same_sessions(hall_sessions(config), after, skip=set(final))
