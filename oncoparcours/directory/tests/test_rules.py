import pytest

from oncoparcours.directory.rules import geo, icd10


@pytest.mark.parametrize(
    ("code", "start", "end", "inside"),
    [
        ("C34.1", "C33", "C34", True),
        ("C34", "C33", "C34", True),
        ("C35", "C33", "C34", False),
        ("C32.9", "C33", "C34", False),
        ("C58", "C51", "C58", True),
        ("C50.4", "C50", "C50", True),
        ("C45.0", "C45.0", "C45.0", True),
        ("C45.1", "C45.0", "C45.0", False),
        ("C45", "C45.0", "C45.0", False),  # a bare category is only inside when fully covered
        ("D05.1", "C00", "C97", False),
    ],
)
def test_icd10_range_membership(code, start, end, inside):
    assert icd10.in_range(code, start, end) is inside


def test_icd10_parse_rejects_garbage():
    with pytest.raises(ValueError, match="not an ICD-10 code"):
        icd10.parse("lung")
    assert icd10.normalise("c341") == "C34.1"


def test_distance_paris_lyon_is_about_392_km():
    assert geo.distance_km(48.857, 2.352, 45.764, 4.836) == pytest.approx(392, abs=5)


def test_fort_de_france_is_drawn_in_the_martinique_inset():
    frame = geo.frame_for(14.616, -61.059)
    assert frame is not None and frame.key == "972"
    x, y = frame.project(14.616, -61.059)
    assert frame.x <= x <= frame.x + frame.width and frame.y <= y <= frame.y + frame.height


def test_metropolitan_points_keep_their_relative_positions():
    metro = geo.FRAMES[0]
    lille, marseille = metro.project(50.63, 3.06), metro.project(43.30, 5.38)
    brest, strasbourg = metro.project(48.39, -4.49), metro.project(48.57, 7.75)
    assert lille[1] < marseille[1]  # north is up
    assert brest[0] < strasbourg[0]  # west is left
