"""Points on an item's image (QTI's `point`, "X Y" in the image's pixels) and the areas they fall in.

An area is a QTI shape and its coordinates: circle (x, y, r), rect (left, top, right, bottom),
ellipse (x, y, rx, ry), poly (x1, y1, x2, y2, ...) or default (the whole image). `inside` is the
expression of that name; `map_points` is mapResponsePoint over a response's areaMapping: each
area that holds a point counts once, a point in no area counts the mapping's default.
"""

from __future__ import annotations

from typing import Any

SHAPES = ("circle", "rect", "ellipse", "poly", "default")


def point(text: str) -> str | None:
    """A point as "X Y" with whole numbers; None when the text is not one."""
    parts = text.replace(",", " ").split()
    try:
        x, y = (round(float(p)) for p in parts)
    except ValueError:
        return None
    return f"{x} {y}" if len(parts) == 2 and x >= 0 and y >= 0 else None


def numbers(coords: str) -> list[float] | None:
    """An area's coordinates as numbers; None when they are not numbers."""
    try:
        return [float(c) for c in coords.split(",") if c.strip()]
    except ValueError:
        return None


def _in_poly(x: float, y: float, n: list[float]) -> bool:
    corners = list(zip(n[0::2], n[1::2], strict=False))
    inside = False
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(shape: str, coords: str, where: str) -> bool:
    """True when the point "X Y" is in the area."""
    n = numbers(coords) or []
    x, y = (float(v) for v in where.split())
    if shape == "default":
        return True
    if shape == "circle" and len(n) >= 3:
        return (x - n[0]) ** 2 + (y - n[1]) ** 2 <= n[2] ** 2
    if shape == "rect" and len(n) >= 4:
        return min(n[0], n[2]) <= x <= max(n[0], n[2]) and min(n[1], n[3]) <= y <= max(n[1], n[3])
    if shape == "ellipse" and len(n) >= 4 and n[2] and n[3]:
        return ((x - n[0]) / n[2]) ** 2 + ((y - n[1]) / n[3]) ** 2 <= 1
    if shape == "poly" and len(n) >= 6:
        return _in_poly(x, y, n)
    return False


def centre(shape: str, coords: str) -> str:
    """A point inside the area (its centre, or a corner's neighbour for a hollow polygon)."""
    n = numbers(coords) or [0, 0]
    if shape in ("circle", "ellipse"):
        return f"{round(n[0])} {round(n[1])}"
    if shape == "rect":
        return f"{round((n[0] + n[2]) / 2)} {round((n[1] + n[3]) / 2)}"
    xs, ys = n[0::2], n[1::2]
    return f"{round(sum(xs) / len(xs))} {round(sum(ys) / len(ys))}"


def inside(attrs: dict[str, str], points: tuple[str, ...]) -> bool:
    """QTI's inside: some point of the value lies in the area the attributes draw."""
    return any(contains(attrs.get("shape", "default"), attrs.get("coords", ""), p) for p in points)


def map_points(mapping: dict[str, Any], points: tuple[str, ...]) -> float:
    """QTI's mapResponsePoint: the areas' values (each once), the default for a point in none."""
    total, counted = 0.0, set()
    for where in points:
        hit = [n for n, e in enumerate(mapping["entries"]) if contains(e["shape"], e["coords"], where)]
        if not hit:
            total += mapping["default"]
        for n in hit:
            if n not in counted:
                counted.add(n)
                total += mapping["entries"][n]["value"]
    if mapping["lower"] is not None:
        total = max(total, mapping["lower"])
    if mapping["upper"] is not None:
        total = min(total, mapping["upper"])
    return total
