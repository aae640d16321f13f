"""Hall side of replication: ask the central where it stands, send the next batch, note the answer.

One exchange is: a signed hello (the central's epoch, high-water mark and head hash for this hall;
the central is the truth, `state.json` only a cache), then signed batches of the events after the
mark until the central holds the whole log. A batch's range is written to `state.json` before it is
sent, so a retry after any failure (or a kill) sends the same bytes. When the log and the central
disagree (a restored database), syncd asks `hall serve` for a new epoch and waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from syncd.client import CentralClient, Refused
from syncd.hall_log import HallLog
from syncd.protocol import Base, Batch, Hello, encode_batch, encode_hello
from syncd.state import StateDir

_LOGGER = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
MAX_PROBES = 16


class NeedsNewEpoch(Exception):
    """The hall's log disagrees with the central: `hall serve` must begin a new epoch."""


@dataclass(frozen=True)
class CentralView:
    """Where the central stands for this hall."""

    central_id: str
    epoch: int
    high_water_mark: int
    head_hash: bytes
    stopped: str | None = None
    probes: dict[int, bytes | None] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CentralView:
        """From a hello's or a batch's answer."""
        probes = {int(k): (bytes.fromhex(v) if v else None)
                  for k, v in (data.get("probes") or {}).items()}
        return cls(str(data["central_id"]), int(data["epoch"]), int(data["high_water_mark"]),
                   bytes.fromhex(data["head_hash"]), data.get("stopped"), probes)

    def note(self) -> dict[str, Any]:
        """The form kept in state.json."""
        return {"epoch": self.epoch, "high_water_mark": self.high_water_mark,
                "head_hash": self.head_hash.hex()}


class Backoff:
    """Exponential back-off with full jitter, so halls coming back at once do not stampede."""

    def __init__(self, initial: float, cap: float, rng: Callable[[], float] = random.random) -> None:
        self._initial, self._cap, self._rng = initial, cap, rng
        self.failures = 0

    def next(self) -> float:
        """The wait before the next attempt."""
        ceiling = min(self._cap, self._initial * 2 ** min(self.failures, 30))
        self.failures += 1
        return max(self._initial / 10, self._rng() * ceiling)

    def reset(self) -> None:
        """After a success."""
        self.failures = 0


class Pusher:
    """Sends one hall's log to one central."""

    def __init__(self, log: HallLog, client: CentralClient, key: Ed25519PrivateKey,
                 state_dir: StateDir, max_events: int, max_bytes: int, hall_name: str = "",
                 acknowledge_down: bool = False) -> None:
        self.log, self.client, self._key, self.hall_name = log, client, key, hall_name
        self.acknowledge_down = acknowledge_down  # a central that sends down: tell it the mark
        self.state_dir, self.state = state_dir, state_dir.load()
        self._max_events, self._max_bytes = max_events, max_bytes

    async def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    def save(self) -> None:
        """Writes state.json."""
        self.state_dir.save(self.state)

    async def hello(self, probes: tuple[int, ...] = ()) -> CentralView:
        """Asks the central where it stands, reporting the backlog."""
        epoch = await self._read(self.log.refresh)
        after = (self.state.central or {}).get("high_water_mark", 0)
        events, sessions = await self._read(self.log.backlog, after)
        down_mark = await self._read(self.log.down_mark) if self.acknowledge_down else None
        hello = Hello(self.log.hall_id, epoch, events, sessions, probes, time.time(),
                      self.hall_name, down_mark)
        view = CentralView.from_json(await self.client.hello(encode_hello(hello, self._key)))
        self.state.hall_id, self.state.central_id = self.log.hall_id, view.central_id
        self.state.backlog = {"events": events, "sessions": sessions}
        if not probes:
            self.state.central = view.note()
        return view

    async def drain(self, progress: Progress | None = None) -> int:
        """Sends until the central holds the whole log; returns how many events it took."""
        view = await self.hello()
        sent = 0
        while True:
            batch = await self._plan(view)
            if batch is None:
                self.state.succeeded()
                self.state.backlog = {"events": 0, "sessions": 0}
                self.save()
                return sent
            answer = await self._send(batch)
            if answer is None:  # out of order: the central told us its mark; ask again
                view = await self.hello()
                continue
            view, sent = answer, sent + len(batch.events)
            if progress is not None:
                progress(view.high_water_mark, (await self._read(self.log.head))[0])

    async def _plan(self, view: CentralView) -> Batch | None:
        """The next batch, None when the central holds everything; NeedsNewEpoch on disagreement."""
        epoch = self.log.epoch
        last_seq, last_hash, last_epoch = await self._read(self.log.head)
        self.state.hall_head = {"epoch": last_epoch, "seq": last_seq, "hash": last_hash.hex()}
        self._forget_acted_request(epoch)
        if view.epoch > epoch:
            raise self._need_epoch(view, f"the central is at epoch {view.epoch} and this "
                                         f"database at epoch {epoch}: it was restored")
        if view.epoch == epoch:
            await self._check_same_epoch(view, last_seq)
            if view.high_water_mark == last_seq:
                return None
            return await self._batch(view, epoch, view.high_water_mark, None)
        base_seq = await self._common_point(view, last_seq)
        if base_seq == last_seq:
            return None  # nothing of this epoch to send yet
        base_hash = await self._read(self.log.hash_at, base_seq)
        return await self._batch(view, epoch, base_seq, Base(view.epoch, base_seq, base_hash))

    async def _check_same_epoch(self, view: CentralView, last_seq: int) -> None:
        if view.stopped:
            raise self._need_epoch(view, f"the central stopped this stream: {view.stopped}")
        if view.high_water_mark > last_seq:
            raise self._need_epoch(view, f"the central holds events up to {view.high_water_mark} "
                                         f"but this database ends at {last_seq}")
        mine = await self._read(self.log.hash_at, view.high_water_mark)
        if mine != view.head_hash:
            raise self._need_epoch(view, f"event {view.high_water_mark} differs from the one "
                                         "the central holds")

    def _forget_acted_request(self, epoch: int) -> None:
        request = self.state_dir.epoch_request()
        if request is not None and int(request.get("hall_epoch") or 0) < epoch:
            self.state_dir.clear_epoch_request()
        if self.state.waiting_for_epoch is not None and self.state.waiting_for_epoch < epoch:
            self.state.waiting_for_epoch = None

    def _need_epoch(self, view: CentralView, reason: str) -> NeedsNewEpoch:
        epoch = self.log.epoch
        self.state_dir.request_epoch(self.log.hall_id, epoch, view.epoch, reason)
        self.state.waiting_for_epoch = epoch
        message = (f"{reason}. Restart `hall serve` on this hall: it will begin epoch "
                   f"{max(epoch, view.epoch) + 1} and syncd will send it.")
        self.state.failed(message)
        self.save()
        _LOGGER.error("%s", message)
        return NeedsNewEpoch(message)

    async def _common_point(self, view: CentralView, last_seq: int) -> int:
        """The last seq at which this log and the central's history agree."""
        low, high = 0, min(view.high_water_mark, last_seq)
        while low < high:
            step = max(1, (high - low) // MAX_PROBES)
            probes = tuple(sorted({*range(high, low, -step)}))[-MAX_PROBES:]
            answer = await self.hello(probes)
            assert answer.probes is not None
            for seq in probes:
                theirs, mine = answer.probes.get(seq), await self._read(self.log.hash_at, seq)
                if theirs is not None and theirs == mine:
                    low = max(low, seq)
                else:
                    high = min(high, seq - 1)
                    break
        return low

    async def _batch(self, view: CentralView, epoch: int, after: int,
                     base: Base | None) -> Batch:
        pending = self.state.pending
        base_json = base.to_json() if base else None
        if (pending and pending["epoch"] == epoch and pending["first_seq"] == after + 1
                and pending["base"] == base_json):
            events = await self._read(self.log.read_range, pending["first_seq"], pending["last_seq"])
        else:
            events = await self._read(self.log.read_after, after, self._max_events, self._max_bytes)
            self.state.pending = {"epoch": epoch, "first_seq": events[0].seq,
                                  "last_seq": events[-1].seq, "base": base_json}
            self.save()
        return Batch(self.log.hall_id, view.central_id, epoch, tuple(events), base)

    async def _send(self, batch: Batch) -> CentralView | None:
        """Sends one batch; the central's new view, or None when it was out of order."""
        _LOGGER.info("sending events %d-%d of epoch %d", batch.first_seq, batch.last_seq,
                     batch.epoch)
        try:
            answer = await self.client.batch(encode_batch(batch, self._key))
        except Refused as err:
            if err.code in ("gap", "epoch_superseded", "epoch_closed"):
                _LOGGER.warning("%s", err)
                self.state.pending = None
                self.save()
                return None
            if err.code in ("fork", "stream_stopped"):
                view = CentralView(batch.central_id, batch.epoch, 0, bytes(32), err.message)
                raise self._need_epoch(view, f"the central refused the stream: {err.message}") from err
            raise
        view = CentralView.from_json(answer)
        self.state.central, self.state.pending = view.note(), None
        self.state.succeeded()
        self.save()
        _LOGGER.info("the central holds events up to %d of epoch %d", view.high_water_mark,
                     view.epoch)
        return view
