"""Distances and travel times between coordinates (pure): haversine × detour factor."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

Point = tuple[float, float]  # (latitude, longitude) in degrees


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class TravelModel:
    detour_factor: float
    speed_kmh: float

    def __post_init__(self) -> None:
        if self.detour_factor < 1:
            raise ValueError("detour_factor must be at least 1")
        if self.speed_kmh <= 0:
            raise ValueError("speed_kmh must be positive")

    def road_km(self, a: Point, b: Point) -> float:
        return haversine_km(a, b) * self.detour_factor

    def minutes(self, a: Point, b: Point) -> int:
        """Driving minutes, rounded up (0 only for the same place)."""
        return math.ceil(self.road_km(a, b) / self.speed_kmh * 60 - 1e-9)
