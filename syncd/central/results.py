"""What the central's pages read across halls: each sitting's progress (present, submitted,
synced up), results per exam (count, mean, score distribution, per hall), and one candidate's
sessions and incidents.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from syncd.central import hall_reports, queries, sittings
from syncd.central.models import bank_candidates, bank_exams, central_sittings, halls, sessions
from syncd.central.projection import COMPLETED
from syncd.central.session_rows import from_row

BINS = 10  # the distribution's bars: 0-10 %, 10-20 %, ... 90-100 %


def _completed(connection: Connection) -> set[tuple[str, str, str]]:
    rows = connection.execute(select(sessions.c.hall_id, sessions.c.exam_id,
                                     sessions.c.registration_number)
                              .where(sessions.c.state == COMPLETED))
    return {(r.hall_id, r.exam_id, r.registration_number) for r in rows}


def sitting_progress(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    """Every sitting as `sittings.list_sittings` gives it, with when the hall received it and its
    counts: candidates present and submitted (as the hall reported), and results synced up."""
    reports = hall_reports.sitting_reports(connection, key)
    applied = hall_reports.applied_items(connection, key)
    completed = _completed(connection)
    planned = {r.sitting_id: r for r in connection.execute(select(
        central_sittings.c.sitting_id, central_sittings.c.seq,
        central_sittings.c.registration_numbers))}
    out = []
    for row in sittings.list_sittings(connection):
        plan = planned[row["id"]]
        report = reports.get(row["id"], {"checked_in": set(), "counts": {}})
        synced = sum(1 for number in json.loads(plan.registration_numbers)
                     if (row["hall_id"], row["exam_id"], number) in completed)
        received_at = applied.get((row["hall_id"], plan.seq))
        out.append({**row, "received_at": received_at,
                    "received": row["received"] or received_at is not None,
                    "present": max(len(report["checked_in"]), report["counts"].get("checked_in", 0)),
                    "submitted": max(report["counts"].get("submitted", 0), synced),
                    "synced": synced})
    return out


def _bin(percent: float) -> int:
    return min(BINS - 1, max(0, int(percent // (100 / BINS))))


def _scored(connection: Connection, key: DataKey, exam_id: str | None) -> list[tuple[str, str, float, float]]:
    """(exam_id, hall_id, score, max_score) of every completed session with a score."""
    query = select(sessions).where(sessions.c.state == COMPLETED)
    if exam_id is not None:
        query = query.where(sessions.c.exam_id == exam_id)
    found = []
    for row in connection.execute(query):
        result = from_row(key, row).result or {}
        score, most = result.get("score"), result.get("max_score")
        if isinstance(score, (int, float)) and isinstance(most, (int, float)) and most > 0:
            found.append((row.exam_id, row.hall_id, float(score), float(most)))
    return found


def _summary(scores: list[tuple[float, float]]) -> dict[str, Any]:
    percents = [100 * score / most for score, most in scores]
    return {"count": len(scores),
            "mean_score": round(sum(s for s, _ in scores) / len(scores), 2) if scores else None,
            "mean_percent": round(sum(percents) / len(percents), 1) if percents else None}


def exam_results(connection: Connection, key: DataKey,
                 exam_id: str | None = None) -> list[dict[str, Any]]:
    """Per exam: count, mean, the distribution of scores (in tenths of the maximum), per hall."""
    titles = dict(connection.execute(select(bank_exams.c.exam_id, bank_exams.c.title)).all())
    names = dict(connection.execute(select(halls.c.hall_id, halls.c.name)).all())
    by_exam: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for exam, hall_id, score, most in _scored(connection, key, exam_id):
        by_exam[exam].append((hall_id, score, most))
    out = []
    for exam in sorted(by_exam):
        found = by_exam[exam]
        bars = [0] * BINS
        for _, score, most in found:
            bars[_bin(100 * score / most)] += 1
        per_hall: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for hall_id, score, most in found:
            per_hall[hall_id].append((score, most))
        out.append({
            "exam_id": exam, "title": titles.get(exam), **_summary([(s, m) for _, s, m in found]),
            "max_score": max(m for _, _, m in found),
            "distribution": [{"from": i * 100 // BINS, "to": (i + 1) * 100 // BINS, "count": n}
                             for i, n in enumerate(bars)],
            "halls": [{"hall_id": h, "hall_name": names.get(h), **_summary(per_hall[h])}
                      for h in sorted(per_hall)]})
    return out


def candidate_record(connection: Connection, key: DataKey,
                     registration_number: str) -> dict[str, Any] | None:
    """A candidate's sessions at every hall and their incidents; None when the central knows
    nothing of them."""
    found = queries.list_sessions(connection, key, registration_number=registration_number,
                                  limit=10**6)
    noted = hall_reports.incidents(connection, key, registration_number)
    name = connection.execute(select(bank_candidates.c.name).where(
        bank_candidates.c.registration_number == registration_number).limit(1)).scalar()
    if not found and not noted and name is None:
        return None
    return {"registration_number": registration_number, "name": name,
            "sessions": [{**{k: v for k, v in s.items() if k != "answers"},
                          "answered": len(s["answers"])} for s in found],
            "incidents": noted}
