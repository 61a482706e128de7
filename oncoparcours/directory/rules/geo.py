"""Distances and the projection used by the offline SVG map of France and overseas."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn into an SVG rectangle (equirectangular, aspect kept)."""

    key: str
    label: str
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    x: float
    y: float
    width: float
    height: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lon_min <= lon <= self.lon_max and self.lat_min <= lat <= self.lat_max

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        mid_lat = math.radians((self.lat_min + self.lat_max) / 2)
        span_x = (self.lon_max - self.lon_min) * math.cos(mid_lat)
        span_y = self.lat_max - self.lat_min
        scale = min(self.width / span_x, self.height / span_y)
        used_w, used_h = span_x * scale, span_y * scale
        off_x = self.x + (self.width - used_w) / 2
        off_y = self.y + (self.height - used_h) / 2
        px = off_x + (lon - self.lon_min) * math.cos(mid_lat) * scale
        py = off_y + (self.lat_max - lat) * scale
        return round(px, 1), round(py, 1)


# Metropolitan France on the left, the five overseas départements as insets on the right.
FRAMES: tuple[Frame, ...] = (
    Frame("metro", "France métropolitaine", -5.3, 9.7, 41.2, 51.2, 10, 10, 560, 560),
    Frame("971", "Guadeloupe", -61.85, -61.0, 15.8, 16.55, 590, 10, 150, 100),
    Frame("972", "Martinique", -61.3, -60.75, 14.35, 14.92, 590, 125, 150, 100),
    Frame("973", "Guyane", -54.7, -51.5, 2.0, 5.9, 590, 240, 150, 100),
    Frame("974", "La Réunion", -0.0 + 55.15, 55.9, -21.45, -20.8, 590, 355, 150, 100),
    Frame("976", "Mayotte", 44.95, 45.35, -13.05, -12.6, 590, 470, 150, 100),
)
MAP_WIDTH, MAP_HEIGHT = 750, 580


def frame_for(lat: float, lon: float) -> Frame | None:
    for frame in FRAMES:
        if frame.contains(lat, lon):
            return frame
    return None


# Coarse outlines (lon, lat), hand-simplified; enough to orient, not for measuring.
OUTLINES: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "metro": (
        (
            (2.54, 51.09),
            (3.02, 50.77),
            (3.65, 50.45),
            (4.15, 50.28),
            (4.85, 50.15),
            (4.85, 49.8),
            (5.4, 49.62),
            (5.85, 49.5),
            (6.36, 49.46),
            (7.0, 49.15),
            (7.6, 49.08),
            (8.22, 48.97),
            (7.8, 48.5),
            (7.58, 47.59),
            (7.0, 47.45),
            (6.9, 47.32),
            (6.1, 46.6),
            (5.97, 46.2),
            (6.8, 46.42),
            (7.04, 45.93),
            (6.63, 45.1),
            (6.98, 44.85),
            (6.9, 44.4),
            (7.53, 43.78),
            (7.27, 43.7),
            (7.0, 43.55),
            (6.65, 43.2),
            (5.93, 43.1),
            (5.37, 43.3),
            (4.6, 43.35),
            (4.0, 43.55),
            (3.7, 43.4),
            (3.1, 43.1),
            (3.05, 42.55),
            (3.17, 42.44),
            (2.5, 42.35),
            (1.73, 42.5),
            (1.45, 42.5),
            (0.7, 42.8),
            (-0.3, 42.8),
            (-1.4, 43.05),
            (-1.78, 43.37),
            (-1.56, 43.48),
            (-1.25, 44.65),
            (-1.15, 45.5),
            (-1.05, 45.6),
            (-1.2, 46.15),
            (-2.1, 46.8),
            (-2.2, 47.27),
            (-2.8, 47.5),
            (-3.1, 47.5),
            (-3.4, 47.7),
            (-4.35, 47.8),
            (-4.7, 48.05),
            (-4.78, 48.35),
            (-4.6, 48.6),
            (-3.98, 48.72),
            (-3.2, 48.85),
            (-2.7, 48.55),
            (-2.0, 48.65),
            (-1.5, 48.63),
            (-1.6, 49.2),
            (-1.95, 49.72),
            (-1.6, 49.65),
            (-1.27, 49.67),
            (-1.15, 49.35),
            (-0.3, 49.3),
            (0.1, 49.5),
            (0.6, 49.85),
            (1.08, 49.93),
            (1.55, 50.2),
            (1.6, 50.72),
            (1.85, 50.95),
            (2.37, 51.05),
        ),
        (
            (9.4, 43.0),
            (9.45, 42.7),
            (9.55, 42.15),
            (9.4, 41.6),
            (9.15, 41.38),
            (8.8, 41.6),
            (8.7, 41.9),
            (8.6, 42.1),
            (8.75, 42.57),
            (9.3, 42.75),
        ),
    ),
    "971": (
        ((-61.8, 16.33), (-61.6, 16.33), (-61.55, 16.1), (-61.65, 15.95), (-61.8, 16.05)),
        ((-61.55, 16.3), (-61.45, 16.5), (-61.2, 16.35), (-61.2, 16.25), (-61.5, 16.22)),
    ),
    "972": (
        (
            (-61.23, 14.87),
            (-61.05, 14.88),
            (-60.9, 14.75),
            (-60.82, 14.6),
            (-60.88, 14.42),
            (-61.0, 14.4),
            (-61.1, 14.5),
            (-61.18, 14.65),
        ),
    ),
    "973": (
        (
            (-54.0, 5.75),
            (-52.9, 5.45),
            (-51.65, 4.2),
            (-51.65, 3.9),
            (-52.5, 2.2),
            (-54.0, 2.2),
            (-54.5, 2.5),
            (-54.2, 3.8),
            (-54.45, 5.0),
        ),
    ),
    "974": (
        (
            (55.22, -21.05),
            (55.35, -20.9),
            (55.53, -20.87),
            (55.7, -20.95),
            (55.83, -21.12),
            (55.8, -21.3),
            (55.6, -21.38),
            (55.4, -21.3),
            (55.28, -21.2),
        ),
    ),
    "976": (((45.05, -12.7), (45.2, -12.65), (45.25, -12.85), (45.18, -13.0), (45.08, -12.95)),),
}


def outline_paths() -> list[dict[str, str]]:
    """SVG path data for every land outline, with the frames' labels."""
    frames = {frame.key: frame for frame in FRAMES}
    paths = []
    for key, polygons in OUTLINES.items():
        frame = frames[key]
        for polygon in polygons:
            points = [frame.project(lat, lon) for lon, lat in polygon]
            data = "M" + " L".join(f"{x},{y}" for x, y in points) + " Z"
            paths.append({"frame": key, "d": data})
    return paths
