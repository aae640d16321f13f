"""The exams the hall has read, each read once and shared by every page that asks."""

from __future__ import annotations

import asyncio

from hallserver.domain.content.exams import Exam, key_versions, load_exam
from hallserver.runtime.storage import Storage


class ExamShelf:
    """Exams as read from storage (an exam cannot change once anyone has started it), but for a
    key corrected on disk, which `forget_corrected_exams` notices."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._exams: dict[str, asyncio.Future[Exam]] = {}

    async def exam(self, exam_id: str) -> Exam:
        """An exam, read once. At the start of a sitting a thousand pages ask for it in the same
        instant: they share one read."""
        reading = self._exams.get(exam_id)
        if reading is None:
            reading = asyncio.ensure_future(self._storage.read(load_exam, exam_id))
            self._exams[exam_id] = reading
            reading.add_done_callback(lambda done: self._forget_failed(exam_id, done))
        return await asyncio.shield(reading)  # a page that gives up does not cancel the others'

    async def forget_corrected_exams(self) -> list[str]:
        """Forgets the exams whose key was corrected on disk since they were read (`hall exam
        import --correct-key`, or a correction from the central applied by syncd), so the next
        save or submission scores with the corrected key; the exams forgotten."""
        held = {exam_id: reading.result().key_version for exam_id, reading in self._exams.items()
                if reading.done() and not reading.cancelled() and reading.exception() is None}
        if not held:
            return []
        on_disk = await self._storage.read(key_versions)
        corrected = [exam_id for exam_id, version in held.items() if on_disk.get(exam_id) != version]
        for exam_id in corrected:
            self._exams.pop(exam_id, None)
        return corrected

    def _forget_failed(self, exam_id: str, reading: asyncio.Future[Exam]) -> None:
        if reading.cancelled() or reading.exception() is not None:  # asked again next time
            self._exams.pop(exam_id, None)
