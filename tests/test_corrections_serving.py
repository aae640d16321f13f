"""A key corrected while the hall serves (`hall exam import --correct-key` beside `hall serve`, as
syncd applies a correction from the central): sessions submitted afterwards are scored with the
corrected key, without restarting the hall."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.halls import EXAM, candidate_rows, make_hall
from tests.serving import HALL, ServedHall, log_in

pytestmark = pytest.mark.slow
EXAM_ID = EXAM["id"]
# The key said B for question 1; the corrected key says A (and leaves the rest as they were).
CORRECTED = {**EXAM, "questions": [{**EXAM["questions"][0], "answer": "A"},
                                   *EXAM["questions"][1:]]}


async def test_a_key_corrected_while_serving_scores_later_submissions(tmp_path):
    config = make_hall(tmp_path / "hall", exam__show_score=True)
    (registration, _, pin), = candidate_rows(1)
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(CORRECTED), encoding="utf-8")
    with ServedHall(config) as hall:
        async with hall.client() as page:
            await log_in(page, registration, pin)
            async with page.get(f"/student/exam/{EXAM_ID}") as paper:  # the hall reads the exam
                assert paper.status == 200
            done = subprocess.run([str(HALL), "exam", "import", str(corrected), "--correct-key",
                                   "--config", str(config.base_dir / "hall.toml")],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stdout + done.stderr
            hall.wait_for_line(f"answer key corrected for {EXAM_ID}")
            async with page.post(f"/student/exam/{EXAM_ID}/session/complete",
                                 json={"final_answers": {"1": "A"}}) as submitted:
                assert submitted.status == 200, await submitted.text()
                assert (await submitted.json())["score"] == 1  # A is right under the new key
        hall.stop()
