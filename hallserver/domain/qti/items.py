"""One assessmentItem as a question of the hall, or the reason it cannot be one.

Taken: one choiceInteraction (single: "choice", multiple: "multiple"; true/false is a choice of
two) or one textEntryInteraction ("text": a string, or a number when the response is a float or
an integer), scored by the item's response processing (see `processing`). Refused, with the
reason: every other interaction, more than one interaction in an item, template processing,
adaptive items, and items whose full marks cannot be told.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from xml.etree.ElementTree import Element

from hallserver.domain.exam_content import Question
from hallserver.domain.qti.body import AssetResolver, Interaction, render_body
from hallserver.domain.qti.evaluate import ScoringError, score, typed
from hallserver.domain.qti.processing import Unsupported, declarations, referenced, rules
from hallserver.domain.qti.xml import child, flag, local
from hallserver.domain.sanitise import plain_text, sanitise_html

SUPPORTED = ("choiceInteraction", "textEntryInteraction")
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
    else:
        question = _text_entry(interaction, response, common)
    return _with_full_marks(question, declared)


def _the_interaction(found: list[Interaction]) -> Interaction:
    names = [interaction.name for interaction in found]
    unsupported = sorted({name for name in names if name not in SUPPORTED})
    if unsupported:
        raise Unsupported(f"{', '.join(unsupported)} is not supported (the hall takes "
                          "choiceInteraction and textEntryInteraction)")
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
    if question.kind == "text":
        return [None, "", "x", "1", question.answer]
    if question.kind == "choice":
        return [None, *question.options]
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
    mapping = declared["responses"][spec["response"]]["mapping"]
    if not mapping or not mapping["entries"]:
        raise Unsupported("it declares no correct response, mapping or MAXSCORE, so the hall "
                          "cannot tell what full marks are")
    if question.kind == "multiple":
        return score(spec, [e["key"] for e in mapping["entries"] if e["value"] > 0])
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
