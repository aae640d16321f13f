"""What a walkthrough of the central found, each fixed: halls shown by name (the hall sends it in its
hello), `syncd central halls` prints the last sync, the export gives times in ISO 8601.

A real central (`syncd central serve`) on SQLite and PostgreSQL, a real hall pushed by `syncd once`.
"""

from __future__ import annotations

import csv
import io
import json
import re

from tests.sync.conftest import sync_hall
from tests.sync.processes import hall_toml, syncd_ok
from tests.sync.traffic import exam_traffic, hall_in_process

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HALL_NAME = "Leeds Hall B"


async def test_the_central_shows_a_hall_by_name_with_its_last_sync_and_exports_iso_times(
        tmp_path, central):
    config = sync_hall(tmp_path / "hall", central, candidates=3, hall__name=HALL_NAME)
    central_toml = str(central.directory / "central.toml")
    before = syncd_ok("central", "halls", "--config", central_toml)
    assert "last sync never" in before and "(no name yet)" in before
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=3, saves=2, complete_share=1.0, seed=3)
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")

    hall_id = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]
    listed = syncd_ok("central", "halls", "--config", central_toml)
    line = next(text for text in listed.splitlines() if hall_id in text)
    assert line.startswith(HALL_NAME)
    last_sync = re.search(r"last sync (\S+)", line).group(1)  # type: ignore[union-attr]
    assert ISO_UTC.match(last_sync), line
    as_json = json.loads(syncd_ok("central", "halls", "--config", central_toml, "--json"))
    assert as_json["halls"][0]["name"] == HALL_NAME
    assert (await central.api().hall(hall_id))["name"] == HALL_NAME

    exported = syncd_ok("central", "export", "--config", central_toml, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 3 and {r["state"] for r in rows} == {"completed"}
    for row in rows:
        assert ISO_UTC.match(row["started_at"]) and ISO_UTC.match(row["completed_at"]), row
        assert row["started_at"] <= row["completed_at"]
