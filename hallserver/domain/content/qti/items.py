"""One assessmentItem as a question of the hall, or the reason it cannot be one.

Taken: one choiceInteraction (single: "choice", multiple: "multiple"; true/false is a choice of
two), one textEntryInteraction ("text": a string, or a number when the response is a float or
an integer) or one matchInteraction ("match": pairs of its two sets, directedPair), scored by the
item's response processing (see `processing`); the other interactions it takes are in
`interactions`. Refused, with the
reason: every other interaction, more than one interaction in an item, template processing,
adaptive items, and items whose full marks cannot be told.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from xml.etree.ElementTree import Element

from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.body import AssetResolver, Interaction, render_body
from hallserver.domain.content.essays import marking_of
from hallserver.domain.content.qti.essay import INTERACTION, MANUAL_CLASS, read_essay
from hallserver.domain.content.qti.evaluate import ScoringError, score, typed
from hallserver.domain.content.qti.interactions import READERS, best_mapped, best_points, trial_answers
from hallserver.domain.content.qti.processing import Unsupported, declarations, referenced, rules
from hallserver.domain.content.qti.xml import child, flag, local
from hallserver.domain.content.sanitise import plain_text, sanitise_html

SUPPORTED = ("choiceInteraction", "textEntryInteraction", "matchInteraction", INTERACTION,
             *READERS)
TEXT_TYPES = ("string", "float", "integer")
MAX_KEY = 64


def read_item(root: Element, question_id: str, assets: AssetResolver) -> tuple[Question, list[str]]:
    """The question an item makes, and warnings; Unsupported with the reason when it makes none."""
    if local(root) != "assessmentItem":
        raise Unsupported(f"it is a {local(root)}, not an assessmentItem")
    if flag(root, "adaptive"):
        raise Unsupported("it is adaptive (several attempts with feedback), which an exam does not allow")
    declared = declarations(root)
    body_element = child(root, "itemBody")
    if body_element is None:
        raise Unsupported("it has no itemBody")
    body = render_body(body_element, assets)
    interaction = _the_interaction(body.interactions)
    response_id = interaction.element.get("responseIdentifier", "")
    response = declared["responses"].get(response_id)
    if response is None:
        raise Unsupported(f"its interaction answers {response_id!r}, which the item does not declare")
    if interaction.name == INTERACTION:  # an essay: a person marks it, no processing to run
        return read_essay(root, interaction.element, response, body.html, question_id)
    declared["outcomes"].setdefault("SCORE", {"cardinality": "single", "base_type": "float",
                                              "default": []})
    spec = {"version": 1, "response": response_id, "declarations": declared,
            "rules": rules(root, response_id)}
    _check_variables(spec)
    stem = sanitise_html(body.html)
    common = {"id": question_id, "html": stem, "text": plain_text(stem) or root.get("title", ""),
              "scoring": spec}
    if interaction.name == "choiceInteraction":
        question = _choice(interaction, response, common)
    elif interaction.name == "matchInteraction":
        question = _match(interaction, response, common)
    elif interaction.name in READERS:
        question = READERS[interaction.name](interaction, response, common)
    else:
        question = _text_entry(interaction, response, common)
    if MANUAL_CLASS in (interaction.element.get("class") or "").split():
        question = replace(question, marking=marking_of())
    return _with_full_marks(question, declared)


def _the_interaction(found: list[Interaction]) -> Interaction:
    names = [interaction.name for interaction in found]
    unsupported = sorted({name for name in names if name not in SUPPORTED})
    if unsupported:
        raise Unsupported(f"{', '.join(unsupported)} is not supported (the hall takes "
                          f"{', '.join(SUPPORTED)})")
    if not found:
        raise Unsupported("it has no interaction to answer")
    if len(found) > 1:
        raise Unsupported(f"it has {len(found)} interactions ({', '.join(names)}); the hall "
                          "takes one interaction per item")
    return found[0]


def _check_variables(spec: dict[str, Any]) -> None:
    known = set(spec["declarations"]["responses"]) | set(spec["declarations"]["outcomes"])
    for rule in spec["rules"]:
        unknown = referenced(rule) - known
        if unknown:
            raise Unsupported(f"its response processing names {', '.join(sorted(unknown))}, "
                              "which the item does not declare")


def _count(element: Element, name: str, default: int) -> int:
    try:
        return max(0, int(element.get(name, default)))
    except ValueError as err:
        raise Unsupported(f"its {name} is not a whole number") from err


def _choice(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    cardinality = response["cardinality"]
    if cardinality not in ("single", "multiple") or response["base_type"] != "identifier":
        raise Unsupported(f"its choice response is {cardinality} {response['base_type']}; the hall "
                          "takes single or multiple identifiers")
    keys = [choice.key for choice in interaction.choices]
    if len(keys) < 2 or len(set(keys)) != len(keys) or not all(0 < len(k) <= MAX_KEY for k in keys):
        raise Unsupported("its choices need at least two distinct identifiers of 1 to 64 characters")
    for value in response["correct"]:
        if value not in keys:
            raise Unsupported(f"its correct response {value!r} is not one of its choices")
    options_html = {c.key: sanitise_html(c.html) for c in interaction.choices}
    kind = "choice" if cardinality == "single" else "multiple"
    element = interaction.element
    answer = (response["correct"][0] if response["correct"] else None) if kind == "choice" \
        else (list(response["correct"]) or None)
    return Question(
        **common, kind=kind, answer=answer,
        options={k: plain_text(h) or "[image]" for k, h in options_html.items()},
        options_html=options_html, shuffle=flag(element, "shuffle"),
        fixed_options=tuple(c.key for c in interaction.choices if c.fixed),
        min_choices=_count(element, "minChoices", 0),
        max_choices=1 if kind == "choice" else _count(element, "maxChoices", 1))


def _match(interaction: Interaction, response: dict[str, Any], common: dict[str, Any]) -> Question:
    if response["cardinality"] not in ("single", "multiple") or response["base_type"] != "directedPair":
        raise Unsupported(f"its match response is {response['cardinality']} {response['base_type']}; "
                          "the hall takes directedPair")
    if len(interaction.match_sets) != 2 or not all(len(s) >= 1 for s in interaction.match_sets):
        raise Unsupported("a matchInteraction needs two simpleMatchSets")
    stems, options = interaction.match_sets
    keys = [c.key for c in stems + options]
    if len(set(keys)) != len(keys) or not all(0 < len(k) <= MAX_KEY and " " not in k for k in keys):
        raise Unsupported("its choices need distinct identifiers of 1 to 64 characters")
    stems_html = {c.key: sanitise_html(c.html) for c in stems}
    options_html = {c.key: sanitise_html(c.html) for c in options}
    one_each = all(c.match_max == 1 for c in stems)
    return Question(
        **common, kind="match", answer=[" ".join(v.split()) for v in response["correct"]] or None,
        options={k: plain_text(h) or "[image]" for k, h in options_html.items()},
        options_html=options_html, shuffle=flag(interaction.element, "shuffle"),
        fixed_options=tuple(c.key for c in options if c.fixed),
        stems={k: plain_text(h) or "[image]" for k, h in stems_html.items()}, stems_html=stems_html,
        max_choices=1 if one_each else 0)


def _text_entry(interaction: Interaction, response: dict[str, Any],
                common: dict[str, Any]) -> Question:
    if response["cardinality"] != "single" or response["base_type"] not in TEXT_TYPES:
        raise Unsupported(f"its text entry is {response['cardinality']} {response['base_type']}; "
                          "the hall takes a single string, float or integer")
    expected = interaction.element.get("expectedLength")
    return Question(**common, kind="text", options={},
                    answer=response["correct"][0] if response["correct"] else None,
                    expected_length=int(expected) if expected and expected.isdigit() else None,
                    numeric=response["base_type"] != "string")


def _trial_answers(question: Question) -> list[Any]:
    if question.kind not in ("choice", "multiple", "text", "match"):
        return trial_answers(question)  # the kinds of `interactions`
    if question.kind == "text":
        return [None, "", "x", "1", question.answer]
    if question.kind == "choice":
        return [None, *question.options]
    if question.kind == "match":
        return [None, [], question.answer]
    return [None, [], *([key] for key in question.options), question.answer]


def _full_marks(question: Question, declared: dict[str, Any]) -> float:
    spec = question.scoring
    assert spec is not None
    maximum = declared["outcomes"].get("MAXSCORE")
    if maximum and maximum["default"]:
        value = typed(maximum["default"][0], "float")
        if isinstance(value, float):
            return value
    if question.answer is not None:
        return score(spec, question.answer)
    if declared["responses"][spec["response"]].get("area_mapping"):
        return score(spec, best_points(declared["responses"][spec["response"]]["area_mapping"]))
    mapping = declared["responses"][spec["response"]]["mapping"]
    if not mapping or not mapping["entries"]:
        raise Unsupported("it declares no correct response, mapping or MAXSCORE, so the hall "
                          "cannot tell what full marks are")
    if question.kind == "multiple":
        return score(spec, [e["key"] for e in mapping["entries"] if e["value"] > 0])
    if question.kind not in ("choice", "text", "match"):
        return score(spec, best_mapped(question, mapping["entries"]))
    return max(score(spec, e["key"]) for e in mapping["entries"])


def _with_full_marks(question: Question, declared: dict[str, Any]) -> tuple[Question, list[str]]:
    spec = question.scoring
    assert spec is not None
    try:
        for trial in _trial_answers(question):
            score(spec, trial)
        full = _full_marks(question, declared)
        right = score(spec, question.answer) if question.answer is not None else None
    except ScoringError as err:
        raise Unsupported(f"its response processing cannot be run: {err}") from err
    if full <= 0:
        raise Unsupported(f"full marks would be {full:g}")
    warnings = []
    if right is not None and right != full:
        warnings.append(f"{question.id}: its correct response scores {right:g} of {full:g}")
    return replace(question, max_score=full), warnings
