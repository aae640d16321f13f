"""Exports of everything a reader may see, as CSV or versioned JSON, times in ISO 8601 (UTC).

One table of what can be exported (`EXPORTS`): its columns and how its rows are read.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from examkit.times import iso
from syncd.central import hall_reports, queries, results

FORMATS = ("csv", "json")


def _times(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {**row, **{name: iso(row.get(name)) for name in names}}


def _halls(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    return [_times({**h, "backlog_events": h["backlog"]["events"],
                    "backlog_sessions": h["backlog"]["sessions"]},
                   "last_sync_at", "last_hello_at", "alarm_at")
            for h in queries.list_halls(connection)]


def _sittings(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    return [_times(s, "starts_at", "published_at", "received_at", "started_at", "ended_at")
            for s in results.sitting_progress(connection, key)]


def _results(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    """One row per exam and hall (hall_id empty: the exam across every hall)."""
    rows = []
    for exam in results.exam_results(connection, key):
        for hall in [{"hall_id": "", "hall_name": "", **exam}, *exam["halls"]]:
            rows.append({"exam_id": exam["exam_id"], "title": exam["title"], **hall})
    return rows


def _incidents(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    return [_times(i, "occurred_at") for i in hall_reports.incidents(connection, key)]


@dataclass(frozen=True)
class Export:
    """What one export holds: its columns and how its rows are read."""

    columns: tuple[str, ...]
    rows: Callable[[Connection, DataKey], list[dict[str, Any]]]


EXPORTS = {
    "sessions": Export(tuple(queries.EXPORT_COLUMNS), queries.export_rows),
    "halls": Export(("hall_id", "name", "state", "status", "epoch", "high_water_mark",
                     "last_sync_at", "last_hello_at", "backlog_events", "backlog_sessions",
                     "sessions", "published", "down_mark", "alarm", "alarm_at"), _halls),
    "sittings": Export(("id", "hall_id", "hall_name", "exam_id", "name", "state", "starts_at",
                        "published_at", "published_by", "received", "received_at",
                        "started_at", "ended_at", "candidates", "present", "submitted",
                        "synced"), _sittings),
    "results": Export(("exam_id", "title", "hall_id", "hall_name", "count", "mean_score",
                       "mean_percent"), _results),
    "incidents": Export(("hall_id", "sitting_id", "registration_number", "kind", "category",
                         "text", "by", "occurred_at"), _incidents),
}


def export_rows(connection: Connection, key: DataKey, name: str) -> list[dict[str, Any]]:
    """The rows of one export, only its columns."""
    export = EXPORTS[name]
    return [{column: row.get(column) for column in export.columns}
            for row in export.rows(connection, key)]


def render(name: str, form: str, rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (lists and objects as JSON in their cell) or as versioned JSON."""
    if form == "json":
        return json.dumps({"format": f"examhall-central-{name}", "version": 1,
                           "exported_at": iso(time.time()), name: rows}, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORTS[name].columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v
                         for k, v in row.items()})
    return buffer.getvalue()
