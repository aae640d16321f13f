"""What a candidate's page reports of its own trouble: failed saves, time spent offline.

Kept in the log (for the analytics of the day) and raised as an alert when saves keep failing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from hallserver.db.writer import Batch
from hallserver.domain import alerts as alert_rules
from hallserver.domain.devices import Device
from hallserver.domain.hall import Hall
from hallserver.errors import NotFound


async def page_report(hall: Hall, device: Device, exam_id: str, report: dict[str, Any]) -> dict[str, Any]:
    """Logs the report; alerts the invigilators when saves keep failing."""
    threshold = hall.config.invigilation.failed_saves_alert

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        live = hall.book.get(connection, batch, device.candidate_id, exam_id)
        if live is None:
            raise NotFound(f"You have no exam {exam_id} in this hall.")
        if live.session_id is None or live.status != "in_progress":
            return {"received": True}
        now = hall.clock.now()
        hall.log.append(connection, batch, "page_report", live.session_id, {
            "exam_id": exam_id, "registration_number": live.registration_number,
            "device": device.id, **report}, now)
        if report.get("failed_saves", 0) >= threshold:
            alert_rules.raise_alert(hall.alerts, hall.log, connection, batch, "save_failures",
                                    live, {**report, "seat": hall.seats.get(device.id)}, now,
                                    hall.publish_alert)
        return {"received": True}

    return await hall.write(job)
