"""The QTI interactions beyond choice, text entry and match, each read into a question of the hall.

    inlineChoiceInteraction  "inline": one key, chosen in a gap of the text (single identifier)
    orderInteraction         "order": the option keys in the candidate's order (ordered identifier)
    gapMatchInteraction      "gap_match": pairs "TEXT GAP", a gap text put in a gap (directedPair)
    hottextInteraction       "hottext": the keys of the words chosen in the text (identifier)
    associateInteraction     "associate": pairs "A B" of options that go together (pair)
    hotspotInteraction       "hotspot": the keys of the areas chosen on its image (identifier);
                             refused when the package lacks the image
    selectPointInteraction   "point": points "X Y" put on its image (point); the same

`body` has already rendered each: its options, and for a gap match its gaps (the question's
`stems`, in reading order, each marked in the text as the gap of a text entry is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti import points
from hallserver.domain.content.qti.body import Choice, Interaction
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.domain.content.qti.xml import flag
from hallserver.domain.content.sanitise import plain_text, sanitise_html

MAX_KEY = 64


def _counts(interaction: Interaction, least: str, most: str) -> dict[str, int]:
    try:
        return {"min_choices": max(0, int(interaction.element.get(least, 0))),
                "max_choices": max(0, int(interaction.element.get(most, 0)))}
    except ValueError as err:
        raise Unsupported(f"its {least} or {most} is not a whole number") from err


def _expect(response: dict[str, Any], name: str, cardinalities: tuple[str, ...], base_type: str) -> None:
    if response["cardinality"] not in cardinalities or response["base_type"] != base_type:
        raise Unsupported(f"its {name} response is {response['cardinality']} {response['base_type']}; "
                          f"the hall takes {' or '.join(cardinalities)} {base_type}")


def _options(choices: list[Choice], least: int = 2) -> dict[str, Any]:
    keys = [c.key for c in choices]
    if len(keys) < least or len(set(keys)) != len(keys) or not all(
            0 < len(k) <= MAX_KEY and " " not in k for k in keys):
        raise Unsupported(f"its choices need at least {least} distinct identifiers of 1 to "
                          f"{MAX_KEY} characters without spaces")
    options_html = {c.key: sanitise_html(c.html) for c in choices}
    return {"options": {k: plain_text(h) or "[image]" for k, h in options_html.items()},
            "options_html": options_html,
            "fixed_options": tuple(c.key for c in choices if c.fixed)}


def _correct_keys(response: dict[str, Any], keys: dict[str, str]) -> list[str]:
    for value in response["correct"]:
        if value not in keys:
            raise Unsupported(f"its correct response {value!r} is not one of its choices")
    return list(response["correct"])


def _inline(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "inline choice", ("single",), "identifier")
    options = _options(interaction.choices)
    correct = _correct_keys(response, options["options"])
    return Question(**common, kind="inline", answer=correct[0] if correct else None, **options,
                    shuffle=flag(interaction.element, "shuffle"), max_choices=1)


def _order(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "order", ("ordered",), "identifier")
    options = _options(interaction.choices)
    correct = _correct_keys(response, options["options"])
    return Question(**common, kind="order", answer=correct or None, **options,
                    shuffle=flag(interaction.element, "shuffle"),
                    **_counts(interaction, "minChoices", "maxChoices"))


def _hottext(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "hottext", ("single", "multiple"), "identifier")
    options = _options(interaction.choices, least=1)
    correct = _correct_keys(response, options["options"])
    counts = _counts(interaction, "minChoices", "maxChoices")
    if response["cardinality"] == "single":
        counts["max_choices"] = 1
    # The words stay where the text has them: never shuffled.
    return Question(**common, kind="hottext", answer=correct or None, **options, shuffle=False,
                    **counts)


def _pairs(values: list[str]) -> list[str]:
    return [" ".join(value.split()) for value in values]


def _gap_match(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "gap match", ("single", "multiple"), "directedPair")
    options = _options(interaction.choices, least=1)
    gaps = interaction.gaps
    if not gaps or len(set(gaps)) != len(gaps) or set(gaps) & set(options["options"]) or not all(
            0 < len(g) <= MAX_KEY and " " not in g for g in gaps):
        raise Unsupported("its gaps need distinct identifiers, apart from its gap texts")
    answer = _pairs(response["correct"])
    for pair in answer:
        text, _, gap = pair.partition(" ")
        if text not in options["options"] or gap not in gaps:
            raise Unsupported(f"its correct response {pair!r} is not a gap text and a gap")
    stems = {gap: str(n) for n, gap in enumerate(gaps, start=1)}
    return Question(**common, kind="gap_match", answer=answer or None, **options, stems=stems,
                    shuffle=flag(interaction.element, "shuffle"))


def _associate(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "associate", ("single", "multiple"), "pair")
    options = _options(interaction.choices)
    answer = _pairs(response["correct"])
    for pair in answer:
        parts = pair.split(" ")
        if len(parts) != 2 or not all(p in options["options"] for p in parts):
            raise Unsupported(f"its correct response {pair!r} is not a pair of its choices")
    counts = _counts(interaction, "minAssociations", "maxAssociations")
    if response["cardinality"] == "single":
        counts["max_choices"] = 1
    return Question(**common, kind="associate", answer=answer or None, **options,
                    shuffle=flag(interaction.element, "shuffle"), **counts)


def _hotspot(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "hotspot", ("single", "multiple"), "identifier")
    if interaction.image is None:
        raise Unsupported("its hotspotInteraction's image is not in the package, and its areas "
                          "cannot be chosen without it")
    options = _options(interaction.choices, least=1)
    for choice in interaction.choices:
        shape, _, coords = choice.area.partition(" ")
        if shape not in SHAPES or not _numbers(coords):
            raise Unsupported(f"its area {choice.key} is a {shape or 'shapeless'} area the hall "
                              f"does not draw ({', '.join(SHAPES)} with their coordinates)")
    correct = _correct_keys(response, options["options"])
    counts = _counts(interaction, "minChoices", "maxChoices")
    if response["cardinality"] == "single":
        counts["max_choices"] = 1
    return Question(**common, kind="hotspot", answer=correct or None, **options, shuffle=False,
                    areas={c.key: c.area for c in interaction.choices}, **counts)


def _point(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    _expect(response, "select point", ("single", "multiple"), "point")
    if interaction.image is None:
        raise Unsupported("its selectPointInteraction's image is not in the package, and no point "
                          "can be put on it without it")
    answer = [points.point(v) for v in response["correct"]]
    if None in answer:
        raise Unsupported("its correct response is not points \"X Y\"")
    counts = _counts(interaction, "minChoices", "maxChoices")
    if response["cardinality"] == "single":
        counts["max_choices"] = 1
    return Question(**common, kind="point", answer=answer or None, options={}, **counts)


SHAPES = ("circle", "rect", "ellipse", "poly")


def _numbers(coords: str) -> bool:
    parts = coords.split(",")
    return len(parts) >= 3 and all(p.strip().lstrip("-").replace(".", "", 1).isdigit() for p in parts)


READERS: dict[str, Callable[[Interaction, dict[str, Any], dict[str, Any]], Question]] = {
    "inlineChoiceInteraction": _inline, "orderInteraction": _order,
    "gapMatchInteraction": _gap_match, "hottextInteraction": _hottext,
    "associateInteraction": _associate, "hotspotInteraction": _hotspot,
    "selectPointInteraction": _point,
}


def trial_answers(question: Question) -> list[Any]:
    """Answers the item's rules are tried on at import: none, empty, the key, a wrong one."""
    if question.kind == "inline":
        return [None, *question.options]
    if question.kind == "point":
        return [None, [], ["0 0"], question.answer]
    first = next(iter(question.options))
    wrong = {"order": [first], "hottext": [first], "hotspot": [first], "gap_match": [f"{first} {next(iter(question.stems), '')}"],
             "associate": [" ".join(list(question.options)[:2])]}
    return [None, [], wrong[question.kind], question.answer]


def best_points(area_mapping: dict[str, Any]) -> list[str]:
    """A point in each area worth marks (when a select point declares no correct response)."""
    return [points.centre(e["shape"], e["coords"]) for e in area_mapping["entries"] if e["value"] > 0]


def best_mapped(question: Question, entries: list[dict[str, Any]]) -> Any:
    """The answer the mapping gives most for (when the item declares no correct response)."""
    if question.kind == "inline":
        return max(entries, key=lambda e: e["value"])["key"]
    return [e["key"] for e in entries if e["value"] > 0]
