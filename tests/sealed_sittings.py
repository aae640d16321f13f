"""A sealed sitting in a real hall's database, kept as `syncd` applies the central's
`sealed_paper` and `sitting` items (the central's own sealing, the hall's own functions)."""

from __future__ import annotations

import base64
import hashlib
import json
import time

from examkit.chain import canonical
from examkit.sealed_papers import new_sitting_key, seal_paper
from hallserver.cli.common import data_key, open_database
from hallserver.db import migrate
from hallserver.db.writer import Batch
from hallserver.domain.content import sealed_papers
from hallserver.domain.log.events import EventLog
from hallserver.domain.sittings import planning
from tests.halls import EXAM


def sealed_sitting(config, code: str, sitting_id: str = "sealed-morning",
                   exam_id: str = "SEALED1", candidates: tuple[str, ...] | None = None) -> str:
    """A sitting of MTH101 and a sealed paper `exam_id` that `code` releases, for these
    registration numbers (default: every candidate of MTH101); its id."""
    exam = {**EXAM, "id": exam_id, "title": "Sealed maths"}
    raw = json.dumps(exam).encode()
    item = {"exam_id": exam_id, "file_name": "sealed.json",
            "digest": hashlib.sha256(raw).hexdigest(), "file": base64.b64encode(raw).decode(),
            "overrides": {}}
    sealed = seal_paper(sitting_id, exam_id, canonical(item), new_sitting_key(), code)
    now = time.time()
    with open_database(config).begin() as connection:
        sealed_papers.receive(connection, {"exam_id": exam_id, "title": "Sealed maths",
                                           "duration_minutes": 60,
                                           "sealed": sealed.to_json()}, now)
        hall_id, epoch = migrate.read_identity(connection)
        batch = Batch()
        planning.create_sitting(connection, batch, EventLog(data_key(config), hall_id, epoch),
                                planning.Plan(("MTH101", exam_id), now + 600, "Sealed morning",
                                              sitting_id=sitting_id,
                                              registration_numbers=candidates),
                                "central", now)
        batch.flush(connection)
    return sitting_id
