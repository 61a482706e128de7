"""Geometry of the small server-rendered SVG charts (each page also shows the data as a table)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Report


def grade_chart(reports: list[Report], width: int = 720, height: int = 160) -> dict[str, Any]:
    """Highest grade per report (bars, 0–4) and temperature (line, 36–41 °C), oldest first."""
    ordered = list(reversed(reports))
    if not ordered:
        return {"width": width, "height": height, "bars": [], "line": "", "points": []}
    step = width / max(len(ordered), 1)
    bar_width = max(2.0, step * 0.6)
    usable = height - 20
    bars, points = [], []
    for index, report in enumerate(ordered):
        x = round(index * step + (step - bar_width) / 2, 1)
        bar_height = round(report.max_grade / 4 * usable, 1)
        when = timezone.localtime(report.submitted_at)
        bars.append(
            {
                "x": x,
                "y": round(height - bar_height, 1),
                "width": round(bar_width, 1),
                "height": bar_height,
                "grade": report.max_grade,
                "label": f"{when:%d/%m %H:%M} : grade {report.max_grade}",
            }
        )
        temperature = report.observations.get("temperature_c")
        if temperature is not None:
            clamped = min(41.0, max(36.0, float(temperature)))
            y = round(height - (clamped - 36.0) / 5.0 * usable, 1)
            points.append(
                {
                    "x": round(index * step + step / 2, 1),
                    "y": y,
                    "label": f"{when:%d/%m} : {temperature} °C",
                }
            )
    line = " ".join(f"{p['x']},{p['y']}" for p in points)
    return {"width": width, "height": height, "bars": bars, "line": line, "points": points}
