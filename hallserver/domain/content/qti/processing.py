"""An item's declarations and response processing, read into plain JSON the hall stores and runs.

The standard templates (match_correct, map_response) become the rules the QTI specification
writes for them, and rules written out in the item (as editors such as Onyx do) are read as they
are, as long as they use only the rules and expressions `evaluate` knows. Anything else makes the
item unsupported, with the name of what the hall does not run.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from hallserver.domain.content.qti.points import SHAPES, numbers
from hallserver.domain.content.qti.xml import child, children, flag, local, parse_xml

RULES = frozenset({"responseCondition", "responseIf", "responseElseIf", "responseElse",
                   "setOutcomeValue", "exitResponse"})
EXPRESSIONS = frozenset({
    "variable", "correct", "default", "baseValue", "null", "mapResponse", "isNull", "match",
    "equal", "stringMatch", "member", "contains", "not", "and", "or", "sum", "subtract",
    "product", "divide", "gt", "gte", "lt", "lte", "multiple", "ordered", "containerSize",
    "mapResponsePoint", "inside",
})
_MAX_DEPTH = 40

_MATCH_CORRECT = """<responseProcessing xmlns="q"><responseCondition><responseIf><match>
<variable identifier="{r}"/><correct identifier="{r}"/></match><setOutcomeValue identifier="SCORE">
<baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf><responseElse>
<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>
</responseElse></responseCondition></responseProcessing>"""
_MAP_RESPONSE = """<responseProcessing xmlns="q"><responseCondition><responseIf><isNull>
<variable identifier="{r}"/></isNull><setOutcomeValue identifier="SCORE"><baseValue baseType="float">0
</baseValue></setOutcomeValue></responseIf><responseElse><setOutcomeValue identifier="SCORE">
<mapResponse identifier="{r}"/></setOutcomeValue></responseElse></responseCondition>
</responseProcessing>"""
TEMPLATES = {"match_correct": _MATCH_CORRECT, "map_response": _MAP_RESPONSE,
             "map_response_point": _MAP_RESPONSE.replace("<mapResponse ", "<mapResponsePoint ")}


class Unsupported(Exception):
    """The item uses something the hall cannot take; the message says what."""


def _values(element: Element | None) -> list[str]:
    return [] if element is None else [(v.text or "").strip() for v in children(element, "value")]


def _mapping(element: Element | None) -> dict[str, Any] | None:
    if element is None:
        return None
    number = _number_attribute
    return {"default": number(element, "defaultValue", 0.0),
            "lower": number(element, "lowerBound", None), "upper": number(element, "upperBound", None),
            "entries": [{"key": (e.get("mapKey") or "").strip(),
                         "value": number(e, "mappedValue", 0.0),
                         "case_sensitive": flag(e, "caseSensitive", True)}
                        for e in children(element, "mapEntry")]}


def _number_attribute(element: Element, name: str, default: float | None) -> float | None:
    text = element.get(name)
    if text is None:
        return default
    try:
        return float(text)
    except ValueError as err:
        raise Unsupported(f"{local(element)} has {name}={text!r}, which is not a number") from err


def _area_mapping(element: Element) -> dict[str, Any]:
    mapping = _mapping(element)
    assert mapping is not None
    mapping["entries"] = [{"shape": e.get("shape", "default"), "coords": e.get("coords", ""),
                           "value": _number_attribute(e, "mappedValue", 0.0)}
                          for e in children(element, "areaMapEntry")]
    for entry in mapping["entries"]:
        if entry["shape"] not in SHAPES or numbers(entry["coords"]) is None:
            raise Unsupported(f"its areaMapping has a {entry['shape']} area the hall does not know")
    return mapping


def declarations(item: Element) -> dict[str, Any]:
    """Response and outcome declarations: cardinality, base type, correct values, mapping, default."""
    if child(item, "templateDeclaration") is not None or child(item, "templateProcessing") is not None:
        raise Unsupported("it uses template processing (values drawn at random per candidate), "
                          "which the hall does not run")
    responses, outcomes = {}, {}
    for element in children(item, "responseDeclaration"):
        declared = responses[element.get("identifier", "")] = {
            "cardinality": element.get("cardinality", "single"),
            "base_type": element.get("baseType", "identifier"),
            "correct": _values(child(element, "correctResponse")),
            "mapping": _mapping(child(element, "mapping"))}
        areas = child(element, "areaMapping")
        if areas is not None:  # points on an image: each area's value
            declared["area_mapping"] = _area_mapping(areas)
    for element in children(item, "outcomeDeclaration"):
        outcomes[element.get("identifier", "")] = {
            "cardinality": element.get("cardinality", "single"),
            "base_type": element.get("baseType", "float"),
            "default": _values(child(element, "defaultValue"))}
    return {"responses": responses, "outcomes": outcomes}


def _node(element: Element, depth: int) -> dict[str, Any]:
    name = local(element)
    if name not in RULES and name not in EXPRESSIONS:
        kind = "rule" if name.startswith(("response", "set", "lookup", "exit")) else "expression"
        raise Unsupported(f"its response processing uses the {kind} {name}, which the hall "
                          "does not evaluate")
    if depth > _MAX_DEPTH:
        raise Unsupported("its response processing is nested too deeply")
    node: dict[str, Any] = {"op": name, "attrs": {k: v for k, v in element.attrib.items()
                                                  if not k.startswith("{")}}
    if name == "baseValue":
        node["text"] = (element.text or "").strip()
    else:
        node["args"] = [_node(sub, depth + 1) for sub in element]
    return node


def _template_name(uri: str) -> str:
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".xml")


def rules(item: Element, response_id: str) -> list[dict[str, Any]]:
    """The item's response processing as JSON rules; Unsupported when the hall cannot run it."""
    processing = child(item, "responseProcessing")
    if processing is None:
        raise Unsupported("it has no response processing, so it cannot be scored")
    template = processing.get("template")
    if template and len(processing) == 0:
        return template_rules(_template_name(template), response_id)
    return [_node(element, 0) for element in processing]


def template_rules(name: str, response_id: str) -> list[dict[str, Any]]:
    """The rules a standard template stands for (match_correct, map_response), as JSON rules."""
    if name not in TEMPLATES:
        raise Unsupported(f"its response processing template {name} is not one the hall "
                          f"runs ({', '.join(TEMPLATES)})")
    processing = parse_xml(TEMPLATES[name].format(r=response_id).encode(), name)
    return [_node(element, 0) for element in processing]


def referenced(node: dict[str, Any]) -> set[str]:
    """Every variable identifier a rule or expression names."""
    found = set()
    identifier = node["attrs"].get("identifier")
    if identifier is not None and node["op"] != "baseValue":
        found.add(identifier)
    for sub in node.get("args", []):
        found |= referenced(sub)
    return found
