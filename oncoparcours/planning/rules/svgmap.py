"""A tour drawn as a plain SVG (pure): points projected in a box around the nurse's home and the
visits (equirectangular, longitude scaled by the cosine of the latitude)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .geo import Point


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str


def project(
    home: Point, stops: Sequence[Point], width: int = 600, height: int = 400, margin: int = 30
) -> tuple[MapPoint, list[MapPoint]]:
    points = [home, *stops]
    scale_x = math.cos(math.radians(sum(p[0] for p in points) / len(points)))
    xs = [p[1] * scale_x for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-4)
    factor = min(width - 2 * margin, height - 2 * margin) / span

    def at(index: int, label: str) -> MapPoint:
        x = margin + (xs[index] - min(xs)) * factor
        y = height - margin - (ys[index] - min(ys)) * factor
        return MapPoint(round(x, 1), round(y, 1), label)

    return at(0, "⌂"), [at(i, str(i)) for i in range(1, len(points))]
