"""Quorum, minimal dataset and statistics rules, table-driven."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from oncoparcours.boards.rules import composition, dataset, quorum, statistics, transitions
from oncoparcours.boards.rules.quorum import Attendee

RULES = composition.shipped()
DIGESTIVE = [("C15", "C26")]
THORACIC = [("C33", "C39"), ("C45", "C45")]
NEURO = [("C71", "C72")]


def board(kind: str, haematology: bool = False, scope=DIGESTIVE) -> composition.Composition:
    return RULES.composition_for(kind=kind, haematology=haematology, scope=scope)


def people(*specs: str | tuple[str, ...]) -> list[Attendee]:
    """Physicians who declare what they hold."""
    out = []
    for index, spec in enumerate(specs):
        specialties = (spec,) if isinstance(spec, str) else spec
        out.append(Attendee(f"p{index}", frozenset(specialties), held=frozenset(specialties)))
    return out


def gamer(key: str, declared: tuple[str, ...], held: tuple[str, ...]) -> Attendee:
    return Attendee(key, frozenset(declared), held=frozenset(held))


def codes_of(result: quorum.QuorumResult) -> list[str]:
    return [
        {"missing_role": f"role:{s.role}", "missing_specialty": f"specialty:{s.specialty}"}.get(
            s.code, f"{s.code}:{s.counted}"
        )
        for s in result.shortfalls
    ]


TRIO = ("digestive_surgery", "medical_oncology", "radiotherapy")

QUORUM_CASES = [
    # --- standard boards outside haematology: surgeon + medical oncologist + radiation oncologist
    ("trio", people(*TRIO), board("standard"), (), []),
    ("trio and more", people(*TRIO, "radiology", "pathology"), board("standard"), (), []),
    (
        "no surgeon",
        people("medical_oncology", "radiotherapy", "radiology"),
        board("standard"),
        (),
        ["role:surgeon"],
    ),
    (
        "no medical oncologist",
        people("thoracic_surgery", "radiotherapy", "pulmonology"),
        board("standard", scope=THORACIC),
        (),
        ["role:medical_oncologist"],
    ),
    (
        "no radiation oncologist",
        people("urology", "medical_oncology", "radiology"),
        board("standard"),
        (),
        ["role:radiation_oncologist"],
    ),
    (
        "three radiologists never make a quorum",
        people("radiology", "radiology", "radiology"),
        board("standard"),
        (),
        [
            "role:surgeon",
            "role:medical_oncologist",
            "role:radiation_oncologist",
            "too_few_specialties:1",
        ],
    ),
    (
        "three medical oncologists count as one specialty",
        people("medical_oncology", "medical_oncology", "medical_oncology"),
        board("recours", haematology=True),
        (),
        ["role:haematologist", "too_few_specialties:1"],
    ),
    (
        "two surgeons are one surgical role, the trio still needs its oncologists",
        people("digestive_surgery", "urology", "medical_oncology"),
        board("standard"),
        (),
        ["role:radiation_oncologist"],
    ),
    # --- double qualification: counts once
    (
        "a double-qualified physician counts once",
        people(("medical_oncology", "radiotherapy"), "thoracic_surgery"),
        board("standard"),
        (),
        ["role:radiation_oncologist", "too_few_specialties:2"],
    ),
    (
        "…and is re-seated where needed",
        people(("medical_oncology", "radiotherapy"), "medical_oncology", "urology"),
        board("standard"),
        (),
        [],
    ),
    (
        "a physician declaring two specialties counts for one",
        people(("digestive_surgery", "medical_oncology"), "radiotherapy"),
        board("standard"),
        (),
        ["role:medical_oncologist", "too_few_specialties:2"],
    ),
    # --- gamed declarations: a specialty not held never counts
    (
        "a radiologist declaring surgery",
        [
            gamer("radiologist", ("digestive_surgery",), ("radiology",)),
            *people("medical_oncology", "radiotherapy"),
        ],
        board("standard"),
        (),
        ["role:surgeon", "too_few_specialties:2"],
    ),
    (
        "a physician declaring a second specialty they do not hold",
        [
            gamer("oncologist", ("medical_oncology", "radiotherapy"), ("medical_oncology",)),
            *people("digestive_surgery"),
        ],
        board("standard"),
        (),
        ["role:radiation_oncologist", "too_few_specialties:2"],
    ),
    (
        "non-physicians never count, whatever they declare",
        [
            *people("medical_oncology", "digestive_surgery"),
            Attendee("nurse", frozenset({"radiotherapy"}), physician=False),
            Attendee(
                "pharmacist",
                frozenset({"hospital_pharmacy"}),
                physician=False,
                held=frozenset({"hospital_pharmacy"}),
            ),
        ],
        board("standard"),
        (),
        ["role:radiation_oncologist", "too_few_specialties:2"],
    ),
    # --- haematology boards
    (
        "haematology: two haematologists and a pathologist",
        people("haematology", "haematology", "pathology"),
        board("standard", haematology=True),
        (),
        ["too_few_specialties:2"],
    ),
    (
        "haematology: no surgeon needed",
        people("haematology", "pathology", "radiology"),
        board("standard", haematology=True),
        (),
        [],
    ),
    (
        "haematology without a haematologist",
        people("medical_oncology", "pathology", "radiology"),
        board("standard", haematology=True),
        (),
        ["role:haematologist"],
    ),
    # --- recours boards: the organ specialist of the decrees
    ("recours digestive", people(*TRIO, "gastroenterology"), board("recours"), (), []),
    (
        "recours digestive without the gastroenterologist",
        people(*TRIO, "radiology"),
        board("recours"),
        (),
        ["role:gastroenterologist"],
    ),
    (
        "recours thoracic without the pulmonologist",
        people("thoracic_surgery", "medical_oncology", "radiotherapy"),
        board("recours", scope=THORACIC),
        (),
        ["role:pulmonologist"],
    ),
    (
        "recours thoracic",
        people("thoracic_surgery", "medical_oncology", "radiotherapy", "pulmonology"),
        board("recours", scope=THORACIC),
        (),
        [],
    ),
    (
        "recours neuro: no organ specialist in the decrees, the board requires pathology",
        people("neurosurgery", "medical_oncology", "radiotherapy"),
        board("recours", scope=NEURO),
        ("pathology",),
        ["specialty:pathology"],
    ),
    (
        "a required neurosurgeon is the surgeon",
        people("neurosurgery", "radiotherapy", "medical_oncology"),
        board("standard", scope=NEURO),
        ("neurosurgery",),
        [],
    ),
    (
        "a required neurosurgeon is not replaced by another surgeon",
        people("digestive_surgery", "radiotherapy", "medical_oncology"),
        board("standard", scope=NEURO),
        ("neurosurgery",),
        ["role:surgeon"],
    ),
    # --- paediatric and inter-regional boards
    (
        "paediatric",
        people("paediatric_oncology", "surgery", "radiotherapy"),
        board("paediatric"),
        (),
        [],
    ),
    (
        "paediatric without a paediatric oncologist",
        people("medical_oncology", "surgery", "radiotherapy"),
        board("paediatric"),
        (),
        ["role:paediatric_oncologist"],
    ),
    (
        "overseas board decides like a standard board",
        people("surgery", "medical_oncology", "radiology"),
        board("interregional", scope=[("C00", "C80")]),
        (),
        ["role:radiation_oncologist"],
    ),
    (
        "nobody",
        [],
        board("standard"),
        (),
        [
            "role:surgeon",
            "role:medical_oncologist",
            "role:radiation_oncologist",
            "too_few_specialties:0",
        ],
    ),
]


@pytest.mark.parametrize(
    ("attendees", "composition_", "required", "codes"),
    [case[1:] for case in QUORUM_CASES],
    ids=[case[0] for case in QUORUM_CASES],
)
def test_quorum(attendees, composition_, required, codes):
    result = quorum.evaluate(attendees, composition=composition_, required=required)
    assert codes_of(result) == codes
    assert result.met is (codes == [])
    by_key = {a.key: a for a in attendees}
    # One specialty per physician, each specialty once, only what they declared and hold.
    assert len(set(result.counted.values())) == len(result.counted)
    for key, specialty in result.counted.items():
        assert by_key[key].physician and specialty in by_key[key].counted_specialties
    # Each role is filled by a different physician, with a specialty of the role.
    assert len(set(result.roles.values())) == len(result.roles)
    for role, key in result.roles.items():
        assert result.counted[key] in RULES.roles[role].specialties | set(required)


def test_what_is_declared_but_not_held_is_reported():
    result = quorum.evaluate(
        [
            gamer("a", ("medical_oncology", "radiotherapy"), ("medical_oncology",)),
            gamer("b", ("surgery",), ("radiology",)),
            *people("urology", "radiotherapy"),
        ],
        composition=board("standard"),
    )
    assert result.ignored == {"a": ["radiotherapy"], "b": ["surgery"]}
    assert result.met  # the others make the quorum without them
    assert result.roles == {
        "surgeon": "p0",
        "medical_oncologist": "a",
        "radiation_oncologist": "p1",
    }


def pharmacist(key: str = "ph", *, of_organiser: bool) -> Attendee:
    return Attendee(
        key,
        frozenset({"hospital_pharmacy"}),
        physician=False,
        held=frozenset({"hospital_pharmacy"}),
        organiser_pharmacy=of_organiser,
    )


@pytest.mark.parametrize(
    ("extra", "advisories", "not_eligible"),
    [
        ([], ["biotherapy_pharmacist"], {}),
        # A pharmacist of a hospital pharmacy (PUI) of one of the board's organisers.
        ([pharmacist(of_organiser=True)], [], {}),
        # A hospital pharmacist of another establishment is not the board's referent.
        (
            [pharmacist(of_organiser=False)],
            ["biotherapy_pharmacist"],
            {"ph": ["biotherapy_pharmacist"]},
        ),
        (
            [pharmacist("other", of_organiser=False), pharmacist(of_organiser=True)],
            [],
            {"other": ["biotherapy_pharmacist"]},
        ),
    ],
)
def test_the_biotherapy_pharmacist_is_recommended_on_haematology_recours_boards_never_required(
    extra, advisories, not_eligible
):
    haematologists = people("haematology", "pathology", "radiology")
    result = quorum.evaluate(
        [*haematologists, *extra], composition=board("recours", haematology=True)
    )
    # A recommendation only: met whether the pharmacist is there or not, never counted.
    assert result.met and result.advisories == advisories
    assert result.not_eligible == not_eligible
    assert not {"ph", "other"} & set(result.counted)
    standard = quorum.evaluate(haematologists, composition=board("standard", haematology=True))
    assert standard.advisories == []


def test_a_decision_records_the_rules_version_and_who_filled_each_role():
    result = quorum.evaluate(people(*TRIO), composition=board("standard"))
    record = result.record()
    assert record["rules"] == RULES.version == "rcp-compositions-2023-12.1"
    assert record["roles"] == {
        "surgeon": "p0",
        "medical_oncologist": "p1",
        "radiation_oncologist": "p2",
    }


# --- the composition data --------------------------------------------------------------------


def test_every_board_kind_has_a_composition_with_and_without_haematology():
    from oncoparcours.boards.models import BoardKind

    assert RULES.kinds() == {(kind, h) for kind in BoardKind.values for h in (False, True)}


def test_compositions_use_directory_specialties_and_cite_their_source():
    from oncoparcours.boards.labels import MISSING_ROLE_LABELS, ROLE_LABELS
    from oncoparcours.directory.models import Specialty

    for role in RULES.roles.values():
        assert role.specialties <= set(Specialty.values), role.code
        assert role.code in ROLE_LABELS and role.code in MISSING_ROLE_LABELS
    assert "INCa" in RULES.document and "2023" in RULES.document
    for kind, haematology in RULES.kinds():
        found = RULES.composition_for(kind=kind, haematology=haematology, scope=DIGESTIVE)
        assert found.source and found.minimum_specialties == 3
        assert found.version == RULES.version


@pytest.mark.parametrize(
    ("kind", "haematology", "scope", "roles"),
    [
        ("standard", False, DIGESTIVE, ["surgeon", "medical_oncologist", "radiation_oncologist"]),
        ("standard", True, DIGESTIVE, ["haematologist"]),
        (
            "recours",
            False,
            [("C18", "C20")],
            ["surgeon", "medical_oncologist", "radiation_oncologist", "gastroenterologist"],
        ),
        (
            "recours",
            False,
            [("C45.0", "C45.0")],
            ["surgeon", "medical_oncologist", "radiation_oncologist", "pulmonologist"],
        ),
        ("recours", False, NEURO, ["surgeon", "medical_oncologist", "radiation_oncologist"]),
        (
            "recours",
            False,
            [],  # every cancer: every organ specialist
            [
                "surgeon",
                "medical_oncologist",
                "radiation_oncologist",
                "gastroenterologist",
                "pulmonologist",
            ],
        ),
        ("recours", True, [("C81", "C96")], ["haematologist"]),
        ("paediatric", False, NEURO, ["paediatric_oncologist", "surgeon", "radiation_oncologist"]),
        (
            "rare",
            False,
            [("C49", "C49")],
            ["surgeon", "medical_oncologist", "radiation_oncologist"],
        ),
    ],
)
def test_composition_per_board_kind(kind, haematology, scope, roles):
    found = RULES.composition_for(kind=kind, haematology=haematology, scope=scope)
    assert [r.code for r in found.required] == roles


# --- haematology from the ICD-10 scope, never a typed flag -------------------------------------

BREAST = [("C50", "C50")]
HAEMATOLOGY = [("C81", "C96"), ("D45", "D47")]


@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        (HAEMATOLOGY, "haematology"),
        ([("C81", "C96")], "haematology"),
        ([("D45", "D47")], "haematology"),
        ([("C81", "C81")], "haematology"),  # first category of the range
        ([("C96", "C96")], "haematology"),  # last one
        ([("D47.2", "D47.2")], "haematology"),  # MGUS
        ([("C80", "C80")], "solid"),  # just before
        ([("C97", "C97")], "solid"),  # just after (multiple independent primaries)
        ([("D44", "D44")], "solid"),
        ([("D48", "D48")], "solid"),
        (BREAST, "solid"),
        ([("C00", "C80")], "solid"),
        ([("C00", "C97")], "mixed"),  # overlaps the haematological malignancies
        ([("C80", "C81")], "mixed"),
        ([*BREAST, ("C81", "C85")], "mixed"),
        ([], "mixed"),  # every cancer
    ],
)
def test_a_boards_scope_says_whether_it_is_a_haematology_board(scope, kind):
    assert RULES.scope_kind(scope) == kind


@pytest.mark.parametrize(
    ("code", "haematological"),
    [
        ("C80.9", False),
        ("C81.0", True),
        ("C90.0", True),
        ("C96.9", True),
        ("C97", False),
        ("D44.9", False),
        ("D45", True),
        ("D46.9", True),
        ("D47.9", True),
        ("D48.0", False),
        ("C50.9", False),
        ("not a code", None),
    ],
)
def test_haematological_malignancies_are_icd10_c81_c96_and_d45_d47(code, haematological):
    assert RULES.is_haematological(code) is haematological


SOLID_TRIO = ["surgeon", "medical_oncologist", "radiation_oncologist"]


@pytest.mark.parametrize(
    ("kind", "scope", "diagnosis", "applies", "roles"),
    [
        ("standard", BREAST, "C50.9", "solid", SOLID_TRIO),
        ("standard", BREAST, None, "solid", SOLID_TRIO),
        ("standard", HAEMATOLOGY, "C83.3", "haematology", ["haematologist"]),
        ("standard", HAEMATOLOGY, "D46.9", "haematology", ["haematologist"]),
        ("standard", HAEMATOLOGY, None, "haematology", ["haematologist"]),
        # A mixed scope: the case's diagnosis decides…
        ("standard", [("C00", "C97")], "C50.9", "solid", SOLID_TRIO),
        ("standard", [("C00", "C97")], "C90.0", "haematology", ["haematologist"]),
        ("standard", [], "D47.1", "haematology", ["haematologist"]),
        # … and without one, both compositions at once (the stricter).
        ("standard", [("C00", "C97")], None, "mixed", [*SOLID_TRIO, "haematologist"]),
        ("standard", [("C00", "C97")], "", "mixed", [*SOLID_TRIO, "haematologist"]),
        ("standard", [("C00", "C97")], "??", "mixed", [*SOLID_TRIO, "haematologist"]),
        # A solid diagnosis on a haematology board is never judged by the haematology rule.
        ("standard", HAEMATOLOGY, "C50.9", "solid", SOLID_TRIO),
        (
            "recours",
            [],
            None,
            "mixed",
            [*SOLID_TRIO, "gastroenterologist", "pulmonologist", "haematologist"],
        ),
        ("paediatric", [], "C91.0", "haematology", ["paediatric_oncologist"]),
        (
            "paediatric",
            [],
            "C71.9",
            "solid",
            ["paediatric_oncologist", "surgeon", "radiation_oncologist"],
        ),
    ],
)
def test_the_cases_diagnosis_decides_its_composition(kind, scope, diagnosis, applies, roles):
    found = RULES.composition_for_case(kind=kind, scope=scope, diagnosis=diagnosis)
    assert found.applies_to == applies
    assert [r.code for r in found.required] == roles


def test_a_breast_board_said_to_be_haematology_never_meets_quorum_without_its_surgeon():
    """The gamed case of the review: a C50 board with a haematologist, a radiologist and a
    pathologist. Its scope makes it a solid-tumour board, and the breast case needs the
    surgeon, the medical oncologist and the radiation oncologist."""
    gamed = people("haematology", "radiology", "pathology")
    breast = RULES.composition_for_case(kind="standard", scope=BREAST, diagnosis="C50.4")
    result = quorum.evaluate(gamed, composition=breast)
    assert not result.met
    assert codes_of(result) == [
        "role:surgeon",
        "role:medical_oncologist",
        "role:radiation_oncologist",
    ]
    honest = people("gynaecological_surgery", "medical_oncology", "radiotherapy")
    assert quorum.evaluate(honest, composition=breast).met


@pytest.mark.parametrize(
    ("diagnosis", "attendance", "met"),
    [
        ("C83.3", ("haematology", "radiology", "pathology"), True),
        ("C50.9", ("haematology", "radiology", "pathology"), False),
        ("C50.9", ("digestive_surgery", "medical_oncology", "radiotherapy"), True),
        ("C83.3", ("digestive_surgery", "medical_oncology", "radiotherapy"), False),
        (None, ("haematology", "radiology", "pathology"), False),
        (None, ("digestive_surgery", "medical_oncology", "radiotherapy"), False),
        (None, ("digestive_surgery", "medical_oncology", "radiotherapy", "haematology"), True),
    ],
)
def test_a_mixed_board_checks_each_case_against_its_own_composition(diagnosis, attendance, met):
    needed = RULES.composition_for_case(
        kind="standard", scope=[("C00", "C97")], diagnosis=diagnosis
    )
    assert quorum.evaluate(people(*attendance), composition=needed).met is met


# --- surgeons of every oncological surgical specialty ------------------------------------------

HEAD_AND_NECK = [("C00", "C14"), ("C30", "C32")]


@pytest.mark.parametrize(
    "surgery",
    [
        "ent_surgery",
        "maxillofacial_surgery",
        "plastic_surgery",
        "orthopaedic_surgery",
        "paediatric_surgery",
    ],
)
def test_every_oncological_surgical_specialty_fills_the_surgeon_role(surgery):
    from oncoparcours.directory.models import SURGICAL_SPECIALTIES

    assert surgery in RULES.roles["surgeon"].specialties and surgery in SURGICAL_SPECIALTIES
    result = quorum.evaluate(
        people(surgery, "medical_oncology", "radiotherapy"), composition=board("standard")
    )
    assert result.met and result.roles["surgeon"] == "p0"


@pytest.mark.parametrize(
    ("attendance", "missing"),
    [
        (("ent_surgery", "medical_oncology", "radiotherapy"), []),
        # Another surgeon does not fill the place of the ENT surgeon the board requires.
        (("maxillofacial_surgery", "medical_oncology", "radiotherapy"), ["role:surgeon"]),
        (("digestive_surgery", "medical_oncology", "radiotherapy"), ["role:surgeon"]),
        (("ent_surgery", "radiotherapy", "pathology"), ["role:medical_oncologist"]),
        (
            ("ent_surgery", "maxillofacial_surgery", "medical_oncology", "radiotherapy"),
            [],
        ),
    ],
)
def test_a_head_and_neck_board_reaches_quorum_with_its_ent_surgeon(attendance, missing):
    needed = RULES.composition_for_case(kind="standard", scope=HEAD_AND_NECK, diagnosis="C32.0")
    result = quorum.evaluate(people(*attendance), composition=needed, required=["ent_surgery"])
    assert codes_of(result) == missing
    assert all(s.specialty == "ent_surgery" for s in result.shortfalls if s.role == "surgeon")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["compositions"][0]["required"].append("astronaut"), "unknown role"),
        (lambda d: d["compositions"][3]["required"].append("biotherapy_pharmacist"), "physician"),
        (lambda d: d["compositions"].append(dict(d["compositions"][0])), "twice"),
        (
            lambda d: d["roles"]["medical_oncologist"]["specialties"].append("radiotherapy"),
            "overlap",
        ),
        (
            lambda d: d["haematological_malignancies"].update(ranges=[["C96", "C81"]]),
            "not ordered",
        ),
    ],
)
def test_a_wrong_composition_file_is_refused(change, message):
    data = yaml.safe_load(composition.DATA_FILE.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValueError, match=message):
        composition.parse(data)


# --- properties --------------------------------------------------------------------------------

SPECIALTIES = [
    "medical_oncology",
    "radiotherapy",
    "digestive_surgery",
    "urology",
    "radiology",
    "pathology",
    "gastroenterology",
]


def _brute_force_met(attendees, comp, required) -> bool:
    """Try every way for each physician to count for one of their specialties (or none)."""
    slots = quorum._slots(comp, required)
    options = [[None, *sorted(a.counted_specialties)] for a in attendees if a.physician]
    for choice in itertools.product(*options):
        chosen = [c for c in choice if c is not None]
        if len(chosen) != len(set(chosen)) or len(chosen) < comp.minimum_specialties:
            continue
        if any(
            all(spec in accepted for spec, (_c, accepted) in zip(perm, slots, strict=False))
            for perm in itertools.permutations(chosen, len(slots))
        ):
            return True
    return False


physician_sets = st.lists(st.sets(st.sampled_from(SPECIALTIES), min_size=1, max_size=2), max_size=5)


@given(physician_sets, st.sampled_from(SPECIALTIES), st.sampled_from(["standard", "recours"]))
def test_one_more_physician_never_breaks_a_met_quorum(specs, extra, kind):
    attendees = [Attendee(f"p{i}", frozenset(s)) for i, s in enumerate(specs)]
    comp = board(kind)
    before = quorum.evaluate(attendees, composition=comp)
    after = quorum.evaluate([*attendees, Attendee("new", frozenset({extra}))], composition=comp)
    assert not before.met or after.met
    assert len(after.counted) >= len(before.counted)
    assert len(before.counted) <= len(attendees)


@given(
    physician_sets,
    st.sampled_from(["standard", "recours"]),
    st.sets(st.sampled_from(["pathology", "urology"]), max_size=1),
)
def test_the_quorum_is_met_exactly_when_some_honest_seating_meets_it(specs, kind, required):
    attendees = [Attendee(f"p{i}", frozenset(s)) for i, s in enumerate(specs)]
    comp = board(kind)
    result = quorum.evaluate(attendees, composition=comp, required=required)
    assert result.met is _brute_force_met(attendees, comp, sorted(required))


TODAY = dt.date(2026, 11, 23)
COMPLETE = {
    "question": "Chirurgie d'emblée ou traitement néoadjuvant ?",
    "context": "new_diagnosis",
    "icd10": "C18.7",
    "morphology": "8140/3",
    "stage": "pT3 N1 M0",
    "performance": {"scale": "ecog", "value": 1, "recorded_on": "2026-11-02"},
    "prior_treatments": "",
    "patient_informed": True,
}


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"question": " "}, ["question"]),
        ({"morphology": ""}, ["histology"]),
        ({"context": "progression", "morphology": ""}, ["prior_treatments"]),
        ({"stage": ""}, ["stage"]),
        ({"icd10": "C83.3", "stage": ""}, []),  # lymphoma: no TNM
        ({"icd10": "C71.9", "stage": ""}, []),  # glioma: no TNM
        ({"performance": {}}, ["performance_status"]),
        ({"performance": {"recorded_on": "2026-07-01"}}, ["performance_status_outdated"]),
        ({"patient_informed": False}, ["patient_informed"]),
        # An opposition in force is its own item: never read as "not yet informed".
        ({"patient_informed": False, "patient_opposed": True}, ["patient_opposed"]),
        ({"patient_opposed": False}, []),
        ({"icd10": ""}, ["diagnosis"]),
    ],
)
def test_minimal_dataset(changes, missing):
    assert dataset.missing_items({**COMPLETE, **changes}, TODAY) == missing


def test_near_home_share_is_computed_from_decisions():
    day = dt.date(2026, 1, 10)
    cases = [
        statistics.DecidedCase(
            day, day + dt.timedelta(days=6), "proximity", day + dt.timedelta(days=20)
        ),
        statistics.DecidedCase(
            day, day + dt.timedelta(days=10), "proximity", day + dt.timedelta(days=5)
        ),
        statistics.DecidedCase(day, day + dt.timedelta(days=8), "transfer", None),
        statistics.DecidedCase(day, day + dt.timedelta(days=8), "expert", None),
    ]
    figures = statistics.board_figures(cases)
    assert (figures.near_home, figures.transfers, figures.expert) == (2, 1, 1)
    assert figures.near_home_share == 0.5
    assert figures.median_days_to_decision == 8
    assert (figures.decided_before_treatment, figures.with_known_treatment) == (1, 2)
    assert statistics.board_figures([]).near_home_share is None


def test_transitions_are_explicit():
    assert transitions.next_status(transitions.CASE_TRANSITIONS, "incomplete", "schedule") is None
    assert transitions.next_status(transitions.CASE_TRANSITIONS, "ready", "schedule") == "scheduled"
    assert transitions.allowed_actions(transitions.SESSION_TRANSITIONS, "closed") == []
