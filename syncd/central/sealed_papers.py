"""Sealed sittings at the central: the paper sent encrypted under the sitting's own key, the key
and the release code kept here (sealed with the central's key), and the release published.

The hall receives a `sealed_paper` item instead of `exam`: the exam's id, title and time limit
in the clear (to plan and list the sitting), the exam item itself sealed (`examkit.sealed_papers`).
It opens it when `syncd central sitting release` publishes `paper_released` with the key, or when
someone types the release code (`syncd central sitting code`) at the hall.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.chain import canonical
from examkit.release_codes import new_code
from examkit.sealed_papers import new_sitting_key, seal_paper
from examkit.sealing import DataKey
from syncd.central import outbox
from syncd.central.models import central_sittings
from syncd.central.store import Store
from syncd.errors import Conflict, Invalid, NotFound


def _key_aad(sitting_id: str) -> bytes:
    return f"central-sitting-key|{sitting_id}".encode()


def _code_aad(sitting_id: str) -> bytes:
    return f"central-release-code|{sitting_id}".encode()


def check_not_sent(connection: Connection, hall_id: str, exam_id: str) -> None:
    """Conflict when the exam already went to this hall. A sealed sitting's own key protects its
    paper only if the hall holds no other copy: the hall keeps one exam per id, so the paper is
    open there already (sent in the clear, or released), or opens with the first sealed
    sitting's release. The refusal says which, and what will do instead."""
    earlier = connection.execute(select(central_sittings).where(
        central_sittings.c.hall_id == hall_id, central_sittings.c.exam_id == exam_id)
        .order_by(central_sittings.c.published_at).limit(1)).first()
    if earlier is None:
        return
    if earlier.sealed and earlier.released_at is None:
        raise Conflict(f"Exam {exam_id} went sealed to this hall with sitting "
                       f"{earlier.sitting_id}, not released yet; a second sealed copy would open "
                       "with that release, so its own key would protect nothing. Release "
                       f"{earlier.sitting_id} first and publish this sitting without --sealed, "
                       "or import the exam into the bank under another exam id to seal a paper "
                       "of its own.")
    raise Conflict(f"Exam {exam_id} is open at this hall already (sitting "
                   f"{earlier.sitting_id}); sealing it again would protect nothing. Publish this "
                   "sitting without --sealed, or import the exam into the bank under another "
                   "exam id to seal a paper of its own.")


def check_not_sealed(connection: Connection, hall_id: str, exam_id: str) -> None:
    """Conflict when the exam went sealed to this hall and is not released: an open sitting of
    it would wait for that release."""
    sealed = connection.execute(select(central_sittings.c.sitting_id).where(
        central_sittings.c.hall_id == hall_id, central_sittings.c.exam_id == exam_id,
        central_sittings.c.sealed.is_(True), central_sittings.c.released_at.is_(None))
        .limit(1)).first()
    if sealed is not None:
        raise Conflict(f"Exam {exam_id} is sealed at this hall until sitting "
                       f"{sealed.sitting_id} is released; release it first.")


def publish_sealed_paper(connection: Connection, key: DataKey, hall_id: str, sitting_id: str,
                         exam: dict[str, Any], bank_row: Any, by: str,
                         now: float) -> dict[str, Any]:
    """Publishes the `sealed_paper` item; the columns of central_sittings that keep the key."""
    sitting_key, code = new_sitting_key(), new_code()
    sealed = seal_paper(sitting_id, exam["exam_id"], canonical(exam), sitting_key, code)
    outbox.publish(connection, key, hall_id, "sealed_paper", {
        "exam_id": exam["exam_id"], "title": bank_row.title,
        "duration_minutes": bank_row.duration_minutes, "sealed": sealed.to_json()}, by, now)
    return {"sealed": True, "sitting_key": key.seal(sitting_key, _key_aad(sitting_id)),
            "release_code": key.seal(code.encode("ascii"), _code_aad(sitting_id))}


def _sealed_row(connection: Connection, sitting_id: str) -> Any:
    row = connection.execute(select(central_sittings).where(
        central_sittings.c.sitting_id == sitting_id)).first()
    if row is None:
        raise NotFound(f"No sitting {sitting_id} was published here.")
    if not row.sealed:
        raise Invalid(f"Sitting {sitting_id} was not sealed: its paper went in the clear.")
    return row


def release_code(connection: Connection, key: DataKey, sitting_id: str) -> str:
    """The sitting's release code, to read to the hall's chief invigilator."""
    row = _sealed_row(connection, sitting_id)
    return key.open(row.release_code, _code_aad(sitting_id)).decode("ascii")


def _release(connection: Connection, key: DataKey, sitting_id: str, by: str,
             now: float) -> dict[str, Any]:
    hall_id = _sealed_row(connection, sitting_id).hall_id
    outbox.lock_hall(connection, hall_id)
    row = _sealed_row(connection, sitting_id)
    if row.released_at is not None:
        raise Conflict(f"Sitting {sitting_id} was released already, by {row.released_by}.")
    sitting_key = key.open(row.sitting_key, _key_aad(sitting_id))
    seq = outbox.publish(connection, key, hall_id, "paper_released", {
        "sitting_id": sitting_id,
        "key": base64.b64encode(sitting_key).decode("ascii")}, by, now)
    connection.execute(update(central_sittings).where(
        central_sittings.c.sitting_id == sitting_id).values(released_at=now, released_by=by))
    return {"id": sitting_id, "hall_id": hall_id, "seq": seq}


async def release(store: Store, sitting_id: str, by: str, now: float) -> dict[str, Any]:
    """Publishes `paper_released` (the sitting key) to the sitting's hall."""
    return await store.transaction(_release, store.key, sitting_id, by, now)
