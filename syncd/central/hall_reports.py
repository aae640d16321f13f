"""What halls report of their sittings through their logs: who checked in, the counts a hall gave
when it started and ended a sitting, which package items it applied, and incidents.

Read from the events the central holds, along each hall's current line of history (a stopped
epoch's events are not the hall's story any more). Event bodies are sealed: only the kinds asked
for are opened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from syncd.central import lineage
from syncd.central.models import events, halls

COUNT_REPORTS = ("sitting_started", "sitting_ended")
# What is written about one candidate of a sitting, shown on the candidate's page.
INCIDENT_KINDS = ("incident_recorded", "sitting_absent", "sitting_late_admitted",
                  "sitting_entry_refused")


def hall_events(connection: Connection, key: DataKey, kinds: tuple[str, ...],
                hall_id: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(hall_id, body) of every event of these kinds in each hall's current line, in log order."""
    query = select(halls.c.hall_id, halls.c.epoch, halls.c.high_water_mark).order_by(halls.c.hall_id)
    if hall_id is not None:
        query = query.where(halls.c.hall_id == hall_id)
    for hall in connection.execute(query).all():
        rows = lineage.epoch_rows(connection, hall.hall_id)
        for stream, after, upto in lineage.segments(rows, hall.epoch, hall.high_water_mark):
            found = connection.execute(select(events.c.seq, events.c.body).where(
                events.c.hall_id == hall.hall_id, events.c.epoch == stream, events.c.seq > after,
                events.c.seq <= upto, events.c.kind.in_(kinds)).order_by(events.c.seq)).all()
            for row in found:
                body = key.open(row.body, lineage.event_aad(hall.hall_id, stream, row.seq))
                yield hall.hall_id, json.loads(body)


def sitting_reports(connection: Connection, key: DataKey) -> dict[str, dict[str, Any]]:
    """By sitting id: who checked in, and the hall's last counts (`checked_in`, `submitted`)."""
    reports: dict[str, dict[str, Any]] = {}
    for _, body in hall_events(connection, key, ("sitting_checked_in", *COUNT_REPORTS)):
        sitting_id = body.get("sitting_id")
        if not isinstance(sitting_id, str):
            continue
        report = reports.setdefault(sitting_id, {"checked_in": set(), "counts": {}})
        if body["kind"] == "sitting_checked_in":
            report["checked_in"].add(str(body.get("registration_number")))
        else:
            report["counts"] = {k: v for k, v in body.items() if isinstance(v, int)}
    return reports


def applied_items(connection: Connection, key: DataKey) -> dict[tuple[str, int], float]:
    """When each hall applied each item of its outbox: {(hall_id, seq): at}."""
    return {(hall_id, int(body["seq"])): float(body.get("at") or 0.0)
            for hall_id, body in hall_events(connection, key, ("central_item_applied",))
            if isinstance(body.get("seq"), int)}


def incidents(connection: Connection, key: DataKey,
              registration_number: str | None = None) -> list[dict[str, Any]]:
    """Incidents, absences, late admissions and refused entries (of one candidate), oldest first."""
    found = []
    for hall_id, body in hall_events(connection, key, INCIDENT_KINDS):
        if registration_number is not None and body.get("registration_number") != registration_number:
            continue
        found.append({"hall_id": hall_id, "kind": body.get("kind"),
                      "sitting_id": body.get("sitting_id"),
                      "registration_number": body.get("registration_number"),
                      "category": body.get("category"), "text": body.get("text") or body.get("reason"),
                      "by": body.get("by"),
                      "occurred_at": body.get("occurred_at") or body.get("at")})
    return sorted(found, key=lambda i: (i["occurred_at"] or 0.0))
