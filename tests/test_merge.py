"""The merge rule, property-tested: any interleaving of one device's saves ends as in seq order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hallserver.domain.sessions.merge import SessionData, apply_fields, flatten

QUESTIONS = [str(n) for n in range(1, 6)]

partial_save = st.fixed_dictionaries({}, optional={
    "answers": st.dictionaries(st.sampled_from(QUESTIONS), st.sampled_from(["A", "B", "C", None]),
                               min_size=1, max_size=3),
    "current_question": st.integers(0, 5),
    "marked_questions": st.lists(st.sampled_from(QUESTIONS), max_size=3, unique=True),
    "time_remaining": st.integers(0, 3600),
})


def in_order(saves: list[dict[str, Any]]) -> SessionData:
    """The reference: each save applied whole, one after another, in device_seq order."""
    data = SessionData()
    for save in saves:
        for name, value in save.items():
            if name == "answers":
                for question, answer in value.items():
                    if answer is None:
                        data.answers.pop(question, None)
                    else:
                        data.answers[question] = answer
            else:
                setattr(data, name, value)
    return data


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[int]]:
    """Saves numbered 1..n, and an arrival order with every save at least once, some replayed."""
    saves = draw(st.lists(partial_save, min_size=1, max_size=12))
    order = list(range(len(saves)))
    order += draw(st.lists(st.sampled_from(order), max_size=8))   # replays
    return saves, draw(st.permutations(order))                    # late, early, duplicated


@settings(max_examples=400, deadline=None)
@given(deliveries())
def test_any_interleaving_ends_as_in_seq_order(delivery):
    saves, arrivals = delivery
    merged = SessionData()
    for index in arrivals:
        apply_fields(merged, flatten(saves[index]), device_seq=index + 1)
    assert merged.public() == in_order(saves).public()


@settings(max_examples=200, deadline=None)
@given(deliveries())
def test_a_replay_changes_nothing(delivery):
    saves, arrivals = delivery
    merged = SessionData()
    for index in arrivals:
        apply_fields(merged, flatten(saves[index]), device_seq=index + 1)
    before = merged.to_json()
    for index in arrivals:
        assert apply_fields(merged, flatten(saves[index]), device_seq=index + 1) == {}
    assert merged.to_json() == before


def test_a_cleared_answer_is_not_revived_by_a_late_save():
    data = SessionData()
    apply_fields(data, flatten({"answers": {"1": None}}), device_seq=5)
    apply_fields(data, flatten({"answers": {"1": "A"}}), device_seq=4)
    assert data.answers == {}


def test_a_save_without_seq_applies_and_a_newer_seq_still_wins():
    data = SessionData()
    apply_fields(data, flatten({"answers": {"1": "A"}}), device_seq=3)
    apply_fields(data, flatten({"answers": {"1": "B"}}), device_seq=None)
    assert data.answers == {"1": "B"}
    apply_fields(data, flatten({"answers": {"1": "C"}}), device_seq=4)
    assert data.answers == {"1": "C"}
