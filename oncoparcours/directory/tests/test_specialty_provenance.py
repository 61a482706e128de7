"""Who recorded each additional specialty, and when (kept on the row, audited, shown on the
professional's page, never editable behind the audit trail); the oncological surgical
specialties; the overseas collectivities 975, 977, 978 in the referential."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.directory import referential, services
from oncoparcours.directory.admin import AdditionalSpecialtyInline
from oncoparcours.directory.imports import import_professionals
from oncoparcours.directory.models import (
    SPECIALTIES_BY_PROFESSION,
    AdditionalSpecialty,
    Organisation,
    Professional,
    Specialty,
)
from oncoparcours.testing.factories import ProfessionalFactory, valid_finess, valid_rpps

pytestmark = pytest.mark.django_db


def test_each_additional_specialty_keeps_who_recorded_it_and_when(client, clinician):
    manager = ProfessionalFactory(user__role="centre_manager", profession="administrative")
    client.force_login(manager.user)
    url = reverse("directory:professional_specialties", args=[clinician.pk])
    client.post(url, {"specialty": "medical_oncology", "additional_specialties": ["radiotherapy"]})
    first = AdditionalSpecialty.objects.get()
    assert (first.recorded_by, first.recorded_via) == (manager.user, "form")
    # Recorded again with one more: the first keeps its author and time, the new one its own.
    administrator = ProfessionalFactory(user__role="administrator", profession="administrative")
    client.force_login(administrator.user)
    client.post(
        url,
        {
            "specialty": "medical_oncology",
            "additional_specialties": ["radiotherapy", "haematology"],
        },
    )
    kept = AdditionalSpecialty.objects.get(specialty="radiotherapy")
    assert (kept.pk, kept.recorded_by, kept.created_at) == (
        first.pk,
        manager.user,
        first.created_at,
    )
    added = AdditionalSpecialty.objects.get(specialty="haematology")
    assert added.recorded_by == administrator.user
    # Audited: who changed what, before and after.
    events = AuditEvent.objects.filter(object_id=str(clinician.pk), action="update")
    assert [(e.actor_id, e.details["after"]["additional"]) for e in events.order_by("at")] == [
        (manager.user.pk, ["radiotherapy"]),
        (administrator.user.pk, ["haematology", "radiotherapy"]),
    ]
    # Shown on the professional's page, with the plain statement of what the directory is.
    page = client.get(reverse("directory:professional", args=[clinician.pk])).content.decode()
    assert f"enregistrée par {manager.user.display_name} le" in page
    assert f"enregistrée par {administrator.user.display_name} le" in page
    assert "la fiche du professionnel dans l&#x27;annuaire" in page
    assert "ne sont pas vérifiées auprès du RPPS" in page


def test_an_imported_specialty_says_it_came_from_the_import(clinician):
    header = "rpps,last_name,first_name,profession,specialty,additional_specialties\n"
    row = f"{valid_rpps()},Martin,Paul,physician,medical_oncology,radiotherapy\n"
    import_professionals(content=header + row, actor=clinician.user)
    imported = AdditionalSpecialty.objects.get()
    assert (imported.recorded_by, imported.recorded_via) == (clinician.user, "import")
    event = AuditEvent.objects.get(action="import")
    assert list(event.details["additional_specialties"].values()) == [["radiotherapy"]]


def test_a_specialty_recorded_before_its_author_was_kept_says_so(client, clinician):
    AdditionalSpecialty.objects.create(professional=clinician, specialty="radiotherapy")
    client.force_login(clinician.user)
    page = client.get(reverse("directory:professional", args=[clinician.pk])).content.decode()
    assert "son auteur n'est pas connu" in page


def test_the_administration_cannot_edit_specialties_behind_the_audit_trail(clinician):
    admin = site._registry[Professional]
    request = RequestFactory().get("/")
    request.user = clinician.user
    inline = AdditionalSpecialtyInline(Professional, site)
    assert AdditionalSpecialtyInline in admin.inlines
    assert not inline.has_add_permission(request, clinician)
    assert not inline.has_change_permission(request, clinician)
    assert not inline.has_delete_permission(request, clinician)
    assert "specialty" in admin.get_readonly_fields(request, clinician)
    assert "specialty" not in admin.get_readonly_fields(request, None)  # creation


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("ent_surgery", "ORL et chirurgie cervico-faciale"),
        ("maxillofacial_surgery", "Chirurgie maxillo-faciale"),
        ("plastic_surgery", "Chirurgie plastique, reconstructrice et esthétique"),
        ("orthopaedic_surgery", "Chirurgie orthopédique et traumatologique"),
        ("paediatric_surgery", "Chirurgie pédiatrique"),
    ],
)
def test_the_oncological_surgical_specialties_are_physicians_specialties(code, label):
    from django.utils import translation

    assert code in SPECIALTIES_BY_PROFESSION["physician"]
    assert code not in SPECIALTIES_BY_PROFESSION["pharmacist"]
    with translation.override("fr"):
        assert str(Specialty(code).label) == label
    surgeon = ProfessionalFactory(specialty=code)
    assert surgeon.is_surgeon
    nurse = ProfessionalFactory(profession="nurse", specialty="coordination_nursing")
    with pytest.raises(ApplicationError) as refused:
        services.professional_specialties_set(
            actor=None, professional=nurse, specialty="coordination_nursing", additional=[code]
        )
    assert "additional_specialties" in refused.value.errors


@pytest.mark.parametrize(
    ("code", "name", "postcode", "time_zone"),
    [
        ("975", "Saint-Pierre-et-Miquelon", "97500", "America/Miquelon"),
        ("977", "Saint-Barthélemy", "97133", "America/St_Barthelemy"),
        ("978", "Saint-Martin", "97150", "America/Marigot"),
    ],
)
def test_the_overseas_collectivities_are_in_the_referential(code, name, postcode, time_zone):
    found = referential.departements()[code]
    assert (found.name, found.postcode_prefix, found.time_zone) == (name, postcode, time_zone)
    organisation = Organisation(
        kind="ch",
        name=f"Hôpital de {name}",
        finess=valid_finess(code),
        departement=code,
        postcode=postcode,
        city=name,
    )
    organisation.full_clean()
    organisation.save()
    assert organisation.region == "" and organisation.region_name == name
    assert organisation.time_zone == time_zone
    # A Guadeloupe postcode is not one of Saint-Martin / Saint-Barthélemy's (and vice versa).
    organisation.postcode = "97110"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "postcode" in refused.value.message_dict


def test_the_other_departements_keep_their_postcode_rule():
    assert referential.departements()["2A"].postcode_prefix == "20"
    assert referential.departements()["971"].postcode_prefix == "971"
    assert referential.departements()["69"].postcode_prefix == "69"
