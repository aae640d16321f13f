"""A hall that is only its key: enrolled at a real central with `syncd central enroll-hall`, it
pushes a log written for the test (sessions with scores, check-ins, incidents) through the real
signed protocol (POST /v1/sync/batch), as a hall's syncd would."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from examkit.chain import GENESIS, canonical, chain_hash
from syncd.protocol import Base, Batch, WireEvent, encode_batch
from tests.sync.processes import ServedCentral, syncd_ok


class ReportingHall:
    """One hall's key and log; `push` sends the next events up, signed."""

    def __init__(self, central: ServedCentral, name: str) -> None:  # noqa: D107
        self.central, self.name = central, name
        self.hall_id = uuid.uuid4().hex
        self.key = Ed25519PrivateKey.generate()
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        syncd_ok("central", "enroll-hall", self.hall_id, public, "--name", name,
                 "--config", str(central.directory / "central.toml"))
        self.seq, self.head = 0, GENESIS

    async def push(self, *bodies: dict[str, Any]) -> None:
        """Appends these events (each given an `at` if it has none) and sends them up."""
        central_id = (await self.central.api().get("/healthz"))["central_id"]
        first, wire = self.seq == 0, []
        for body in bodies:
            self.seq += 1
            plain = canonical({"at": time.time(), **body})
            digest = chain_hash(self.head, self.seq, plain)
            wire.append(WireEvent(self.seq, 1, self.head, digest, plain))
            self.head = digest
        batch = Batch(self.hall_id, central_id, 1, tuple(wire),
                      Base(0, 0, GENESIS) if first else None)
        status, answer = await self.central.api().post("/v1/sync/batch",
                                                       encode_batch(batch, self.key))
        assert status == 200, json.dumps(answer)


def sat(exam_id: str, registration_number: str, score: float, max_score: float,
        at: float | None = None) -> list[dict[str, Any]]:
    """The events of a session started and completed with this score."""
    session_id = uuid.uuid4().hex
    at = at or time.time()
    return [{"kind": "session_started", "session_id": session_id, "exam_id": exam_id,
             "registration_number": registration_number, "device": "d1", "at": at},
            {"kind": "session_completed", "session_id": session_id, "answers": {"q1": "A"},
             "revision": 1, "result": {"score": score, "max_score": max_score}, "at": at + 60}]
