"""What a candidate's page reports of its own trouble: failed saves, time spent offline.

Kept in the log (for the analytics of the day) and raised as an alert when saves keep failing.
A page reports once the hall answers again, mostly right after a save got through: then the
trouble is over, and the report closes the candidate's alerts rather than raising one.
"""

from __future__ import annotations

from typing import Any

from hallserver.domain.access.devices import Device
from hallserver.domain.invigilation.alerts import SAVING_AGAIN
from hallserver.domain.sessions.live import LiveSession
from hallserver.domain.work import Work
from hallserver.errors import NotFound
from hallserver.config import HallConfig
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


async def page_report(storage: Storage, room: Room, config: HallConfig, device: Device,
                      exam_id: str, report: dict[str, Any]) -> dict[str, Any]:
    """Logs the report; alerts the invigilators when saves keep failing."""
    threshold = config.invigilation.failed_saves_alert

    def job(work: Work) -> dict[str, Any]:
        live = work.session(device.candidate_id, exam_id)
        if live is None:
            raise NotFound(f"You have no exam {exam_id} in this hall.")
        if live.session_id is None or live.status != "in_progress":
            return {"received": True}
        work.record("page_report", live.session_id, {
            "exam_id": exam_id, "registration_number": live.registration_number,
            "device": device.id, **report})
        if _saving_again(live, report, work.now):
            work.resolve_alerts(live.registration_number, SAVING_AGAIN, "saving_again")
        elif report.get("failed_saves", 0) >= threshold:
            work.raise_alert("save_failures", live, {**report, "seat": room.seat(device.id).label})
        return {"received": True}

    return await storage.write(job)


def _saving_again(live: LiveSession, report: dict[str, Any], now: float) -> bool:
    """Whether a save was stored after the reported trouble began."""
    began = now - float(report.get("offline_seconds") or 0)
    return live.last_saved is not None and live.last_saved >= began
