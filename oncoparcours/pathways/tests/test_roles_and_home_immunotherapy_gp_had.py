"""Roles from specialties and organisations (the HAD team is an organisation taking part in the
pathway; nuclear medicine is its own role), and version 3 of the Article 51 home-immunotherapy
template: the GP's and the HAD team's own activities."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
import yaml
from django.urls import reverse

from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.directory.services import professional_specialties_set
from oncoparcours.pathways import criteria, services
from oncoparcours.pathways.loader import TEMPLATE_DIR, checksum, load_templates
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.pathways.roles import ROLE_LABELS, roles_of
from oncoparcours.pathways.rules import scheduling, schema
from oncoparcours.pathways.rules.vocabulary import ROLES
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
)

START = dt.date(2026, 1, 5)
V1 = TEMPLATE_DIR / "archive" / "home-immunotherapy.v1.yaml"
V2 = TEMPLATE_DIR / "archive" / "home-immunotherapy.v2.yaml"
V3 = TEMPLATE_DIR / "home-immunotherapy.yaml"


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def plan(path):
    data = read(path)
    return scheduling.expand(data, start=START, parameters=scheduling.resolve_parameters(data, {}))


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("profession", "specialty", "organisation_kind", "expected", "absent"),
    [
        ("physician", "palliative_care", "had", {"had_team"}, set()),
        ("physician", "palliative_care", "chu", set(), {"had_team"}),  # a specialty is no HAD
        ("nurse", "coordination_nursing", "had", {"had_team", "coordination_nurse"}, set()),
        ("physician", "nuclear_medicine", "chu", {"nuclear_physician"}, {"radiologist"}),
        ("physician", "radiology", "chu", {"radiologist"}, {"nuclear_physician"}),
        ("physician", "general_practice", "city_practice", {"gp"}, {"had_team"}),
    ],
)
def test_roles_come_from_specialties_and_organisations(
    profession, specialty, organisation_kind, expected, absent
):
    organisation = OrganisationFactory(kind=organisation_kind)
    professional = ProfessionalFactory(
        profession=profession, specialty=specialty, organisation=organisation
    )
    roles = roles_of(professional)
    assert expected <= roles
    assert not absent & roles


@pytest.mark.django_db
def test_the_had_role_ends_with_the_membership_and_additional_specialties_add_roles():
    had = OrganisationFactory(kind="had")
    nurse = ProfessionalFactory(profession="nurse", specialty="coordination_nursing")
    membership = OrganisationMembership.objects.create(
        professional=nurse, organisation=had, start=dt.date(2024, 1, 1)
    )
    assert "had_team" in roles_of(nurse)
    membership.end = dt.date.today() - dt.timedelta(days=1)
    membership.save()
    assert "had_team" not in roles_of(nurse)
    physician = ProfessionalFactory(specialty="radiology")
    professional_specialties_set(
        actor=None, professional=physician, specialty="radiology", additional=["nuclear_medicine"]
    )
    assert {"radiologist", "nuclear_physician"} <= roles_of(physician)


def test_every_role_has_a_label():
    assert set(ROLES) <= set(ROLE_LABELS)


# --- home immunotherapy, version 3 -----------------------------------------------------------


def test_v3_gives_the_gp_letters_at_inclusion_each_sequence_change_and_the_end():
    result = plan(V3)
    phases = {p.key: p for p in result.phases}
    letters = {
        a.activity_id: a
        for a in result.activities
        if a.spec.get("recipient_role") == "gp" and a.spec["kind"] == "document"
    }
    assert set(letters) == {
        "gp-letter-inclusion",
        "gp-letter-sequence-2",
        "gp-letter-sequence-3",
        "gp-letter-end",
    }
    assert letters["gp-letter-inclusion"].due == START + dt.timedelta(days=2)
    assert letters["gp-letter-sequence-2"].due == phases["sequence-2"].start
    assert letters["gp-letter-sequence-3"].due == phases["sequence-3"].start
    assert letters["gp-letter-end"].due == phases["sequence-3"].end
    assert {a.spec["responsible_role"] for a in letters.values()} == {"oncologist"}


def test_v3_gives_the_gp_consultations_and_the_had_team_visits_in_sequence_2():
    result = plan(V3)
    by_role: dict[str, list] = defaultdict(list)
    for activity in result.activities:
        by_role[activity.spec["responsible_role"]].append(activity)
    gp_phases = sorted(a.phase_key for a in by_role["gp"])
    assert gp_phases == ["sequence-1", "sequence-2", "sequence-3", "sequence-3"]
    assert {a.spec["kind"] for a in by_role["gp"]} == {"consultation"}
    had = sorted(by_role["had_team"], key=lambda a: a.due)
    assert {a.phase_key for a in had} == {"sequence-2"}
    sequence_2 = next(p for p in result.phases if p.key == "sequence-2")
    assert had[0].activity_id == "had-first-visit" and had[0].due == sequence_2.start
    assert all(sequence_2.start <= a.due <= sequence_2.end for a in had)
    assert len(had) == 7  # the first visit, then every 4 weeks for 6 months
    letter = next(a for a in result.activities if a.activity_id == "had-letter")
    assert (letter.phase_key, letter.spec["recipient_role"]) == ("sequence-1", "had_team")


def test_earlier_versions_had_no_gp_or_had_activities_and_stay_as_published():
    v1, v2, v3 = read(V1), read(V2), read(V3)
    assert (v1["version"], v2["version"], v3["version"]) == (1, 2, 3)
    for earlier in (v1, v2):
        roles = {a["responsible_role"] for p in earlier["phases"] for a in p["activities"]}
        assert not {"gp", "had_team"} & roles
        assert not any("recipient_role" in a for p in earlier["phases"] for a in p["activities"])
    assert v3["treatment"] == v2["treatment"] == "immune_checkpoint_inhibitor"
    # The archived versions are the published texts: the checksums databases that loaded them hold.
    assert checksum(v1) == "5020043dcd131ebc79c4706b5146041efabe8caaba025d779b6a7201a1e4455c"
    assert checksum(v2) == "a971861d1618462e01acbda167b2f7cf1bd46622b6a2fd9241b264e967656734"


@pytest.mark.django_db
def test_v3_is_the_latest_and_earlier_versions_still_load_as_their_own():
    assert PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True).version == 3
    report = load_templates([V1, V2, V3])
    assert sorted(report.loaded) == ["home-immunotherapy v1", "home-immunotherapy v2"]
    assert report.unchanged == ["home-immunotherapy v3"]
    versions = PathwayTemplate.objects.filter(code="home-immunotherapy")
    assert {(t.version, t.is_latest) for t in versions} == {(1, False), (2, False), (3, True)}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda d: d["phases"][0]["activities"][0].update(recipient_role="gp"),
            "phases[0].activities[0].recipient_role",  # a consultation has no recipient
        ),
        (
            lambda d: d["phases"][0]["activities"][1].update(recipient_role="neighbour"),
            "phases[0].activities[1].recipient_role",
        ),
    ],
)
def test_only_letters_have_a_known_recipient(change, path):
    data = read(V3)
    change(data)
    problems = schema.validate(
        data, qualifications={"tpe_40h", "immunotherapy_initiation"}, checks=criteria.check_names()
    )
    assert path in [p.path for p in problems]


@pytest.mark.django_db
def test_the_had_team_sees_its_visits_and_the_letters_show_their_recipient(
    client, centres, clinician, template
):
    instance = services.pathway_apply(
        template=template,
        patient=centres,
        start=dt.date.today() - dt.timedelta(days=200),  # sequence 2 under way
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )
    had = OrganisationFactory(kind="had", name="HAD de la métropole lyonnaise")
    physician = ProfessionalFactory(specialty="palliative_care", organisation=had)
    CareTeamMemberFactory(
        patient=instance.patient, professional=physician, role="had_team", is_lead=False
    )
    client.force_login(physician.user)
    page = client.get(reverse("pathways:worklist"), {"scope": "mine", "period": "next30"})
    titles = {row.title for row in page.context["rows"]}
    assert "Première visite de l'équipe d'HAD (installation et évaluation à domicile)" in titles
    assert not any("Appel de suivi" in title for title in titles)  # the coordination nurse's
    record = client.get(instance.get_absolute_url()).content.decode()
    assert "à Médecin traitant" in record
