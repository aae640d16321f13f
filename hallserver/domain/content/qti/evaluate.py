"""Runs an item's stored response processing on a candidate's response: the item's SCORE.

Values follow QTI: NULL is None (an empty string or container is NULL too), `multiple` is a bag,
`ordered` a sequence; a condition that is NULL is false. Only what `processing` lets in is here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from hallserver.domain.content.qti import points
from hallserver.domain.content.qti.processing import Unsupported


class ScoringError(Exception):
    """The rules cannot be run on this response (a type the rule does not take, a missing variable)."""


class Multiple(tuple):
    """A QTI container of cardinality multiple (order does not matter)."""


class Ordered(tuple):
    """A QTI container of cardinality ordered."""


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def typed(text: str | None, base_type: str) -> Any:
    """A value written in a file or typed by a candidate, as its base type (None when it is not one)."""
    if text is None:
        return None
    text = text.strip()
    if text == "":
        return None
    if base_type in ("float", "integer", "duration"):
        if not _NUMBER.match(text):
            return None
        number = float(text.replace(",", "."))
        return int(number) if base_type == "integer" and number.is_integer() else number
    if base_type == "boolean":
        return text.lower() == "true"
    if base_type == "point":
        return points.point(text)
    if base_type == "pair":  # A B is B A
        return " ".join(sorted(text.split()))
    if base_type == "directedPair":
        return " ".join(text.split())
    return text


def _container(values: list[Any], cardinality: str) -> Any:
    values = [v for v in values if v is not None]
    if cardinality == "single":
        return values[0] if values else None
    if not values:
        return None
    return Ordered(values) if cardinality == "ordered" else Multiple(values)


class _State:
    def __init__(self, spec: dict[str, Any], responses: dict[str, Any]) -> None:
        self.declared = spec["declarations"]
        self.responses = responses
        self.outcomes = {name: self.default(name) for name in self.declared["outcomes"]}

    def default(self, name: str) -> Any:
        """A variable's declared default (numeric outcomes without one start at 0)."""
        declaration = self.declared["outcomes"].get(name) or self.declared["responses"].get(name)
        if declaration is None:
            raise ScoringError(f"no variable {name}")
        value = _container([typed(v, declaration["base_type"]) for v in declaration.get("default", [])],
                           declaration["cardinality"])
        if value is None and declaration["base_type"] in ("float", "integer") \
                and declaration["cardinality"] == "single" and name in self.declared["outcomes"]:
            return 0.0 if declaration["base_type"] == "float" else 0
        return value

    def variable(self, name: str) -> Any:
        """A response's or an outcome's current value."""
        if name in self.declared["responses"]:
            return self.responses.get(name)
        if name in self.outcomes:
            return self.outcomes[name]
        raise ScoringError(f"no variable {name}")


class _Exit(Exception):
    pass


def run(spec: dict[str, Any], responses: dict[str, Any]) -> dict[str, Any]:
    """Every outcome after the rules ran on these (typed) responses."""
    state = _State(spec, responses)
    try:
        _rules(spec["rules"], state)
    except _Exit:
        pass
    except (TypeError, ValueError, ArithmeticError, KeyError, IndexError) as err:
        raise ScoringError(str(err)) from err
    return state.outcomes


def _rules(rules: list[dict[str, Any]], state: _State) -> None:
    for rule in rules:
        op = rule["op"]
        if op == "responseCondition":
            for branch in rule["args"]:
                if branch["op"] == "responseElse":
                    _rules(branch["args"], state)
                    break
                condition, *body = branch["args"]
                if _expression(condition, state) is True:
                    _rules(body, state)
                    break
        elif op == "setOutcomeValue":
            name = rule["attrs"]["identifier"]
            if name not in state.outcomes:
                raise ScoringError(f"no outcome {name}")
            state.outcomes[name] = _expression(rule["args"][0], state)
        elif op == "exitResponse":
            raise _Exit
        else:
            raise Unsupported(f"rule {op} where a rule is expected")


def _null(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, tuple) and not value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScoringError(f"{value!r} is not a number")
    return value


def _tolerance(attrs: dict[str, str]) -> tuple[float, float]:
    parts = [float(p) for p in attrs.get("tolerance", "0").split()] or [0.0]
    return parts[0], parts[1] if len(parts) > 1 else parts[0]


def _equal(attrs: dict[str, str], x: Any, y: Any) -> bool:
    x, y = _number(x), _number(y)
    mode = attrs.get("toleranceMode", "exact")
    if mode == "exact":
        return x == y
    low, high = _tolerance(attrs)
    if mode == "absolute":
        lower, upper = x - low, x + high
    else:
        lower, upper = x * (1 - low / 100), x * (1 + high / 100)
    above = y >= lower if attrs.get("includeLowerBound", "true") == "true" else y > lower
    below = y <= upper if attrs.get("includeUpperBound", "true") == "true" else y < upper
    return above and below


def _match(x: Any, y: Any) -> bool:
    if isinstance(x, Multiple) or isinstance(y, Multiple):
        return Counter(_as_tuple(x)) == Counter(_as_tuple(y))
    if isinstance(x, Ordered) or isinstance(y, Ordered):
        return _as_tuple(x) == _as_tuple(y)
    return x == y


def _as_tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, tuple) else (value,)


def _declared_mapping(name: str, state: _State, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    declaration = state.declared["responses"].get(name)
    mapping = declaration and declaration.get(kind)
    if not mapping:
        raise ScoringError(f"response {name} has no {kind}")
    return declaration, mapping


def _map_response(name: str, state: _State) -> float:
    declaration, mapping = _declared_mapping(name, state, "mapping")
    value = state.variable(name)
    keys = set(_as_tuple(value)) if value is not None else set()
    total = 0.0 if keys or declaration["cardinality"] != "single" else mapping["default"]
    for key in keys:
        total += _mapped(mapping, key, declaration["base_type"])
    if mapping["lower"] is not None:
        total = max(total, mapping["lower"])
    if mapping["upper"] is not None:
        total = min(total, mapping["upper"])
    return total


def _map_points(name: str, state: _State) -> float:
    _, mapping = _declared_mapping(name, state, "area_mapping")
    value = state.variable(name)
    return points.map_points(mapping, _as_tuple(value) if value is not None else ())


def _mapped(mapping: dict[str, Any], key: Any, base_type: str) -> float:
    for entry in mapping["entries"]:
        wanted = typed(entry["key"], base_type) if base_type in ("pair", "directedPair") else entry["key"]
        if isinstance(key, int | float) and not isinstance(key, bool):
            if typed(wanted, "float") == key:
                return entry["value"]
        elif wanted == key or (not entry["case_sensitive"] and str(wanted).casefold() == str(key).casefold()):
            return entry["value"]
    return mapping["default"]


def _logic(op: str, values: list[Any]) -> bool | None:
    if op == "not":
        return None if values[0] is None else not values[0]
    decided = (op == "or")  # the value that settles it
    if any(v is decided for v in values):
        return decided
    return None if any(v is None for v in values) else not decided


def _arithmetic(op: str, values: list[Any]) -> float | None:
    if any(_null(v) for v in values):
        return None
    numbers = [_number(v) for v in values]
    if op == "sum":
        return math.fsum(numbers)
    if op == "product":
        return math.prod(numbers)
    if op == "subtract":
        return numbers[0] - numbers[1]
    return None if numbers[1] == 0 else numbers[0] / numbers[1]


_COMPARE = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
            "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}


def _expression(node: dict[str, Any], state: _State) -> Any:
    op, attrs = node["op"], node["attrs"]
    if op == "baseValue":
        return typed(node["text"], attrs.get("baseType", "string"))
    if op == "variable":
        return state.variable(attrs["identifier"])
    if op == "correct":
        declaration = state.declared["responses"].get(attrs["identifier"])
        if declaration is None:
            raise ScoringError(f"no response {attrs['identifier']}")
        return _container([typed(v, declaration["base_type"]) for v in declaration["correct"]],
                          declaration["cardinality"])
    if op == "default":
        return state.default(attrs["identifier"])
    if op == "null":
        return None
    if op == "mapResponse":
        return _map_response(attrs["identifier"], state)
    if op == "mapResponsePoint":
        return _map_points(attrs["identifier"], state)
    values = [_expression(sub, state) for sub in node["args"]]
    return _combine(op, attrs, values)


def _combine(op: str, attrs: dict[str, str], values: list[Any]) -> Any:
    if op == "isNull":
        return _null(values[0])
    if op in ("not", "and", "or"):
        return _logic(op, values)
    if op in ("sum", "product", "subtract", "divide"):
        return _arithmetic(op, values)
    if op in ("multiple", "ordered"):
        flat = [v for value in values if not _null(value) for v in _as_tuple(value)]
        return _container(flat, op)
    if op == "containerSize":
        return 0 if _null(values[0]) else len(_as_tuple(values[0]))
    if any(_null(v) for v in values):
        return None
    if op == "match":
        return _match(values[0], values[1])
    if op == "equal":
        return _equal(attrs, values[0], values[1])
    if op == "stringMatch":
        x, y = str(values[0]), str(values[1])
        if attrs.get("caseSensitive", "true") != "true":
            x, y = x.casefold(), y.casefold()
        return (x in y) if attrs.get("substring") == "true" else x == y
    if op == "inside":
        return points.inside(attrs, _as_tuple(values[0]))
    if op == "member":
        return values[0] in _as_tuple(values[1])
    if op == "contains":
        have, want = Counter(_as_tuple(values[0])), Counter(_as_tuple(values[1]))
        return all(have[k] >= n for k, n in want.items())
    if op in _COMPARE:
        return _COMPARE[op](_number(values[0]), _number(values[1]))
    raise Unsupported(f"expression {op}")


def score(spec: dict[str, Any], response: Any) -> float:
    """The item's SCORE for one candidate's response (choice key, list of keys, or text)."""
    name = spec["response"]
    declaration = spec["declarations"]["responses"][name]
    values = response if isinstance(response, list) else [response]
    value = _container([typed(v, declaration["base_type"]) if isinstance(v, str) else None
                        for v in values], declaration["cardinality"])
    outcome = run(spec, {name: value}).get("SCORE")
    if isinstance(outcome, bool) or not isinstance(outcome, int | float) or not math.isfinite(outcome):
        return 0.0
    return float(outcome)
