"""Hall side of the downward half: a checked package applied to the hall in one transaction.

The one place syncd writes the hall database, the way `hall exam import`, `hall candidates
import` and `hall sitting create` write it (one BEGIN IMMEDIATE transaction beside `hall serve`,
staged writes and events through the hall's `Batch` and `EventLog`, the same domain functions and
checks). Before anything is written, the package must follow the hall's `down_mark` link by link
(`downlink.check_package`; its signature was checked when it was decoded). Then each item is
applied, a `central_item_applied` event is appended to the hall's hash-chained log for it, and the
new mark is stored, all in the same commit: applied exactly once, or not at all.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from examkit.chain import ChainBroken
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db.migrate import read_identity
from hallserver.db.models import hall_meta
from hallserver.db.writer import Batch
from hallserver.domain.access.candidates import CandidateLine, import_candidates
from hallserver.domain.content import exams as exam_rules, sealed_papers
from hallserver.domain.content.results import log_admin_event, rescore
from hallserver.domain.log.events import EventLog
from hallserver.domain.sittings import conduct, planning
from hallserver.errors import Conflict, HallError, Invalid
from syncd.downlink import Item, Package, check_package
from syncd.errors import SyncError
from syncd.hall_log import DOWN_HASH, DOWN_MARK, read_mark

BY = "central"


class PackageRefused(Exception):
    """The package does not follow the mark, or an item fails the hall's checks: none applied."""


@dataclass(frozen=True)
class Applied:
    """What one package did: the new mark, or that it was at or below the mark already."""

    mark: int
    applied: int
    skipped: bool = False


def _store_mark(batch: Batch, seq: int, digest: bytes) -> None:
    for key, value in ((DOWN_MARK, str(seq)), (DOWN_HASH, digest.hex())):
        batch.statement(sqlite_insert(hall_meta).values(key=key, value=value)
                        .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def _field(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise Invalid(f"the item's {name} is missing or not a {kind.__name__}")
    return value


def _exam(connection: Connection, body: dict[str, Any], now: float) -> str:
    return exam_rules.import_exam(connection, sealed_papers.exam_in_item(body), now)


def _paper_released(connection: Connection, batch: Batch, log: EventLog, body: dict[str, Any],
                    now: float) -> str:
    """The central released a sealed paper: it opens with the key it sends (unless someone
    typed the release code here first)."""
    key = base64.b64decode(_field(body, "key", str), validate=True)
    sitting_id = _field(body, "sitting_id", str)
    released = sealed_papers.release(connection, batch, log, sitting_id, key, BY, "central", now)
    return (f"paper of {', '.join(released)} released" if released
            else f"the paper of sitting {sitting_id} was released already")


def _key_corrected(connection: Connection, key: DataKey, body: dict[str, Any],
                   now: float) -> str:
    """As `hall exam import --correct-key` then `hall results rescore`, in this transaction."""
    content = sealed_papers.exam_in_item(body)
    version, changed = exam_rules.correct_key(connection, content)
    log_admin_event(connection, key, "answer_key_corrected", None, {
        "exam_id": content.id, "key_version": version, "questions": changed, "by": BY}, now)
    done = rescore(connection, key, content.id, now)
    return (f"answer key of {content.id} corrected ({len(changed)} question(s), key version "
            f"{version}); {len(done.changed)} of {done.sessions} result(s) rescored")


def _candidates(connection: Connection, body: dict[str, Any], now: float) -> int:
    rows = _field(body, "candidates", list)
    lines, hashes = [], []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not str(row.get("pin_hash", "")).startswith("scrypt$"):
            raise Invalid(f"candidate {number} of the item carries no PIN hash")
        lines.append(CandidateLine(number, _field(row, "registration_number", str),
                                   _field(row, "name", str), None))
        hashes.append(row["pin_hash"])
    added, updated = import_candidates(connection, lines, hashes,
                                       _field(body, "exam_id", str), now)
    return added + updated


def _sitting(connection: Connection, batch: Batch, log: EventLog, body: dict[str, Any],
             now: float) -> str:
    plan = planning.Plan(
        exam_ids=tuple(_field(body, "exam_ids", list)), starts_at=float(body["starts_at"]),
        name=str(body.get("name") or ""), policy=_field(body, "policy", str),
        late_entry_minutes=_field(body, "late_entry_minutes", int),
        check_in_minutes=_field(body, "check_in_minutes", int),
        instructions=str(body.get("instructions") or ""),
        registration_numbers=tuple(_field(body, "registration_numbers", list)),
        sitting_id=_field(body, "sitting_id", str))
    return planning.create_sitting(connection, batch, log, plan, BY, now).id


def _sitting_changed(connection: Connection, batch: Batch, log: EventLog, body: dict[str, Any],
                     now: float) -> str:
    try:
        planning.change_sitting(connection, batch, log, _field(body, "sitting_id", str),
                                _field(body, "changes", dict), BY, now)
    except Conflict as err:
        # Started here before the central heard of it: the hall's start stands (the central
        # refuses changes once it hears); the item is logged as not applied, never retried.
        return f"not applied: {err.message}"
    return "applied"


def _sitting_ended(connection: Connection, batch: Batch, log: EventLog, body: dict[str, Any],
                   now: float) -> str:
    """As `hall sitting end`: the sitting ends now; the serving hall's watch submits its open
    sessions with what was saved, and tells the consoles and candidates' pages."""
    by = f"{_field(body, 'by', str)} ({BY})"
    try:
        conduct.end_sitting(connection, batch, log, _field(body, "sitting_id", str), by, now)
    except Conflict as err:
        # Ended here (by an invigilator, or the last deadline) before the item came: the end
        # stands; the item is logged as not applied, never retried.
        return f"not applied: {err.message}"
    return "ended"


def _apply_item(connection: Connection, batch: Batch, log: EventLog, key: DataKey, item: Item,
                now: float) -> str:
    body = item.decoded()
    if item.kind == "key_corrected":
        return _key_corrected(connection, key, body, now)
    if item.kind == "exam":
        return f"exam {_exam(connection, body, now)} imported"
    if item.kind == "sealed_paper":
        return f"exam {sealed_papers.receive(connection, body, now)} received sealed"
    if item.kind == "paper_released":
        return _paper_released(connection, batch, log, body, now)
    if item.kind == "candidates":
        return f"{_candidates(connection, body, now)} candidate(s) imported"
    if item.kind == "sitting":
        return f"sitting {_sitting(connection, batch, log, body, now)} created"
    if item.kind == "sitting_changed":
        return _sitting_changed(connection, batch, log, body, now)
    if item.kind == "sitting_ended":
        return _sitting_ended(connection, batch, log, body, now)
    raise Invalid(f"this hall does not apply items of kind {item.kind}")


def _apply(connection: Connection, key: DataKey, package: Package, now: float) -> Applied:
    hall_id, epoch = read_identity(connection)
    mark, mark_hash = read_mark(connection)
    if package.last_seq <= mark:
        return Applied(mark, 0, skipped=True)
    check_package(package, hall_id, mark, mark_hash)
    log = EventLog(key, hall_id, epoch)
    for item in package.items:
        batch = Batch()  # one per item: the next item reads what this one wrote
        try:
            outcome = _apply_item(connection, batch, log, key, item, now)
        except (HallError, SyncError) as err:
            raise PackageRefused(f"item {item.seq} ({item.kind}) of the central's package was "
                                 f"refused, and nothing of the package applied: "
                                 f"{err.message}") from err
        except (ValueError, KeyError, TypeError) as err:
            raise PackageRefused(f"item {item.seq} ({item.kind}) of the central's package is "
                                 f"malformed, and nothing of the package applied: {err}") from err
        log.append(connection, batch, "central_item_applied", None, {
            "seq": item.seq, "item_kind": item.kind, "hash": item.hash.hex(),
            "outcome": outcome}, now)
        if item is package.items[-1]:
            _store_mark(batch, item.seq, item.hash)
        batch.flush(connection)
    return Applied(package.last_seq, len(package.items))


def apply_package(database_path: Path, key: DataKey, busy_timeout_ms: int, package: Package,
                  now: float) -> Applied:
    """Applies a verified package in one transaction; PackageRefused (nothing applied) if not."""
    engine = engines.sync_engine(database_path, busy_timeout_ms)
    try:
        with engine.begin() as connection:
            try:
                return _apply(connection, key, package, now)
            except (ChainBroken, SyncError) as err:
                raise PackageRefused(f"the central's package does not follow this hall's items: "
                                     f"{err}; nothing applied") from err
    finally:
        engine.dispose()

