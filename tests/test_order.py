"""Each candidate's order: the same on any PC and after any resume, different between candidates,
stored with the session when it starts, and fixed options (and fixed questions) never move."""

from __future__ import annotations

import gc
import hashlib
import json
import random
import shutil
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallserver.app import create_app
from hallserver.domain.sessions.order import question_order, shuffled
from hallserver.domain.content.exam_file import read_exam
from hallserver.keys import ROOM
from tests.exams_fixtures import SAMPLES, add_candidates, empty_hall, hall_cli, needs_samples, ok, sign_in
from tests.halls import EXAM, candidate_rows, make_hall

SHUFFLED_EXAM = {**EXAM, "shuffle_questions": True, "shuffle_options": True}


def _layout(paper: dict) -> list[tuple[str, list[str]]]:
    return [(q["id"], list(q["options"])) for q in paper["questions"]]


async def _paper(client, exam_id: str = "MTH101") -> dict:
    response = await client.get(f"/student/exam/{exam_id}")
    assert response.status == 200, await response.text()
    return await response.json()


@pytest.fixture
def shuffled_hall(tmp_path):
    return make_hall(tmp_path / "hall", candidates=6, exam=SHUFFLED_EXAM)


async def test_same_candidate_same_order_on_two_pcs_and_after_a_restart(shuffled_hall,
                                                                        aiohttp_client):
    registration, _, pin = candidate_rows(1)[0]
    first_pc = await aiohttp_client(create_app(shuffled_hall))
    await sign_in(first_pc, registration, pin)
    first = _layout(await _paper(first_pc))
    spare_pc = await aiohttp_client(first_pc.server)
    await sign_in(spare_pc, registration, pin)
    assert _layout(await _paper(spare_pc)) == first
    await first_pc.close()

    after_restart = await aiohttp_client(create_app(shuffled_hall))
    await sign_in(after_restart, registration, pin)
    assert _layout(await _paper(after_restart)) == first
    assert [q for q, _ in first] != [str(n) for n in range(1, 21)]  # it is shuffled


async def test_two_candidates_get_different_orders(shuffled_hall, aiohttp_client):
    server = await aiohttp_client(create_app(shuffled_hall))
    layouts = []
    for registration, _, pin in candidate_rows(6):
        client = await aiohttp_client(server.server)
        await sign_in(client, registration, pin)
        layouts.append(_layout(await _paper(client)))
    question_orders = {tuple(q for q, _ in layout) for layout in layouts}
    assert len(question_orders) == 6
    first_options = {tuple(options) for layout in layouts for q, options in layout if q == "1"}
    assert len(first_options) > 1
    for layout in layouts:  # every question and option is there, once
        assert sorted(q for q, _ in layout) == sorted(str(n) for n in range(1, 21))
        assert all(sorted(options) == ["A", "B", "C", "D"] for _, options in layout)


async def test_the_order_is_stored_when_the_session_starts(shuffled_hall, aiohttp_client):
    registration, _, pin = candidate_rows(1)[0]
    client = await aiohttp_client(create_app(shuffled_hall))
    await sign_in(client, registration, pin)
    shown = _layout(await _paper(client))
    await client.close()
    with sqlite3.connect(shuffled_hall.database_path) as db:
        (stored,) = db.execute("SELECT question_order FROM exam_sessions").fetchone()
        stored = json.loads(stored)
        assert [(q, stored["options"][q]) for q in stored["questions"]] == shown
        # The hall's identity changes (a restored database, a new algorithm): a running session
        # must keep the order its candidate has been answering in.
        db.execute("UPDATE hall_meta SET value = 'another-hall' WHERE key = 'hall_id'")
    db.close()
    exam = read_exam(shuffled_hall.base_dir / "exam.json").content
    assert question_order(exam, "another-hall", registration)["questions"] != stored["questions"]

    resumed = await aiohttp_client(create_app(shuffled_hall))
    await sign_in(resumed, registration, pin)
    assert _layout(await _paper(resumed)) == shown


async def test_a_cached_sessions_order_stays_out_of_garbage_collections(shuffled_hall,
                                                                        aiohttp_client):
    """The hall keeps every session it touched in memory; a list per question in each of them
    lengthened the collector's pauses until 10,000 candidates no longer held (bench: capacity)."""
    registration, _, pin = candidate_rows(1)[0]
    with sqlite3.connect(shuffled_hall.database_path) as db:
        (candidate_id,) = db.execute("SELECT id FROM candidates WHERE registration_number = ?",
                                     (registration,)).fetchone()
    db.close()
    for started in (True, False):  # at the start of the session, then read back after a restart
        client = await aiohttp_client(create_app(shuffled_hall))
        await sign_in(client, registration, pin)
        shown = _layout(await _paper(client))
        order = client.app[ROOM].book.committed((candidate_id, "MTH101")).question_order
        gc.collect()
        assert [(q, list(order["options"][q])) for q in order["questions"]] == shown, started
        assert not gc.is_tracked(order["questions"]), started
        assert not any(gc.is_tracked(keys) for keys in order["options"].values()), started
        await client.close()


def _old_algorithm(items: list[str], seed: str) -> list[str]:
    """The order schema 0002 drew (kept for sessions that started before the order was stored)."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    items = list(items)
    rng.shuffle(items)
    return items


def test_without_fixed_items_the_draw_is_the_one_of_schema_0002(tmp_path):
    path = tmp_path / "exam.json"
    path.write_text(json.dumps(SHUFFLED_EXAM), encoding="utf-8")
    exam = read_exam(path).content
    order = question_order(exam, "hall-1", "C0001")
    seed = "hall-1|MTH101|C0001"
    assert order["questions"] == _old_algorithm([str(n) for n in range(1, 21)], seed)
    assert order["options"]["7"] == _old_algorithm(["A", "B", "C", "D"], f"{seed}|7")


@given(st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=12, unique=True),
       st.data(), st.text(max_size=20))
def test_shuffling_keeps_fixed_items_in_place(items, data, seed):
    fixed = data.draw(st.lists(st.sampled_from(items), unique=True))
    drawn = shuffled(items, seed, fixed)
    assert sorted(drawn) == sorted(items)
    assert all(drawn[i] == item for i, item in enumerate(items) if item in fixed)
    assert shuffled(items, seed, fixed) == drawn


# --- QTI: shuffle="true" with a fixed choice, and a fixed item in a shuffled section ---------

QTI_TEST = """<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="ORDER1"
 title="Order"><testPart identifier="p" navigationMode="nonlinear" submissionMode="individual">
<assessmentSection identifier="s" title="s" visible="true"><ordering shuffle="true"/>
<assessmentItemRef identifier="fixedChoice" href="choice_fixed.xml"/>
<assessmentItemRef identifier="water" href="choice_multiple.xml"/>
<assessmentItemRef identifier="gap" href="text_entry.xml" fixed="true"/>
<assessmentItemRef identifier="plain" href="choice.xml"/>
<assessmentItemRef identifier="water2" href="choice_multiple_rtl.xml"/>
</assessmentSection></testPart></assessmentTest>"""


@needs_samples
async def test_fixed_options_and_fixed_questions_do_not_move(tmp_path, aiohttp_client):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("choice_fixed.xml", "choice_multiple.xml", "text_entry.xml", "choice.xml"):
        shutil.copy(SAMPLES / "items-2.1" / name, content / name)
    shutil.copy(SAMPLES / "items-2.2" / "choice_multiple_rtl.xml", content / "choice_multiple_rtl.xml")
    (content / "test.xml").write_text(QTI_TEST, encoding="utf-8")
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(content / "test.xml"), "--duration", "20"))
    rows = [(f"Q{n}", f"Candidate {n}", f"{5000 + n}") for n in range(10)]
    add_candidates(config, "ORDER1", rows)

    server = await aiohttp_client(create_app(config))
    layouts = []
    for registration, _, pin in rows:
        client = await aiohttp_client(server.server)
        await sign_in(client, registration, pin)
        layouts.append(dict(_layout(await _paper(client, "ORDER1"))))
        orders = [list(layout) for layout in layouts]
        assert orders[-1][2] == "gap"                     # the fixed item keeps its place
        assert layouts[-1]["fixedChoice"][-1] == "ChoiceD"  # the fixed option keeps its place
        assert layouts[-1]["plain"] == ["ChoiceA", "ChoiceB", "ChoiceC"]  # shuffle="false"
    assert len({tuple(order) for order in orders}) > 1
    assert len({tuple(layout["fixedChoice"]) for layout in layouts}) > 1
    assert len({tuple(layout["water"]) for layout in layouts}) > 1
