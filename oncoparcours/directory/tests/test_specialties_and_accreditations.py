"""Recognised specialties (main + additional, RPPS) edited in the directory, and accreditation
cycles recorded and announced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.directory import selectors, services
from oncoparcours.directory.imports import ImportRefused, import_professionals
from oncoparcours.directory.models import AdditionalSpecialty, Capability, Professional
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory, valid_rpps

pytestmark = pytest.mark.django_db


def test_a_double_qualified_physician_holds_both_specialties(clinician):
    services.professional_specialties_set(
        actor=None,
        professional=clinician,
        specialty="medical_oncology",
        additional=["radiotherapy"],
    )
    refreshed = Professional.objects.get(pk=clinician.pk)
    assert refreshed.recognised_specialties == {"medical_oncology", "radiotherapy"}
    event = AuditEvent.objects.filter(object_id=str(clinician.pk), action="update").get()
    assert event.details["after"] == {
        "specialty": "medical_oncology",
        "additional": ["radiotherapy"],
    }
    services.professional_specialties_set(
        actor=None, professional=clinician, specialty="radiotherapy", additional=[]
    )
    assert Professional.objects.get(pk=clinician.pk).recognised_specialties == {"radiotherapy"}


@pytest.mark.parametrize(
    ("profession", "main", "additional", "field"),
    [
        ("physician", "medical_oncology", ["coordination_nursing"], "additional_specialties"),
        ("physician", "medical_oncology", ["medical_oncology"], "additional_specialties"),
        ("physician", "medical_oncology", ["none"], "additional_specialties"),
        ("physician", "medical_oncology", ["astrology"], "additional_specialties"),
        ("physician", "none", ["radiology"], "additional_specialties"),
        ("physician", "hospital_pharmacy", [], "specialty"),
        ("nurse", "coordination_nursing", ["radiology"], "additional_specialties"),
        ("pharmacist", "hospital_pharmacy", ["medical_oncology"], "additional_specialties"),
        ("psychologist", "none", ["pathology"], "additional_specialties"),
    ],
)
def test_a_specialty_that_does_not_fit_is_refused_with_the_field_named(
    profession, main, additional, field
):
    specialty = {"physician": "radiology", "nurse": "coordination_nursing"}.get(profession, "none")
    if profession == "pharmacist":
        specialty = "hospital_pharmacy"
    professional = ProfessionalFactory(
        profession=profession, specialty=specialty, rpps=valid_rpps()
    )
    with pytest.raises(ApplicationError) as refused:
        services.professional_specialties_set(
            actor=None, professional=professional, specialty=main, additional=additional
        )
    assert field in refused.value.errors
    professional.refresh_from_db()
    assert professional.specialty == specialty
    assert not AdditionalSpecialty.objects.exists()


def test_the_directory_edits_and_shows_recognised_specialties(client, clinician):
    url = reverse("directory:professional_specialties", args=[clinician.pk])
    client.force_login(clinician.user)
    assert client.get(url).status_code == 403
    manager = ProfessionalFactory(user__role="centre_manager", profession="administrative")
    client.force_login(manager.user)
    refused = client.post(
        url, {"specialty": "medical_oncology", "additional_specialties": ["medical_oncology"]}
    )
    assert refused.status_code == 400
    assert "additional_specialties" in refused.context["form"].errors
    done = client.post(
        url, {"specialty": "medical_oncology", "additional_specialties": ["radiotherapy"]}
    )
    assert done.status_code == 302
    page = client.get(reverse("directory:professional", args=[clinician.pk])).content.decode()
    assert "Radiothérapie" in page and "Oncologie médicale" in page
    listed = client.get(reverse("directory:professionals"), {"specialty": "radiotherapy"})
    assert clinician.full_name in listed.content.decode()
    assert "+ Radiothérapie" in listed.content.decode()


def test_the_specialties_form_offers_only_what_fits_the_profession(client):
    manager = ProfessionalFactory(user__role="administrator", profession="administrative")
    nurse = ProfessionalFactory(profession="nurse", specialty="coordination_nursing")
    client.force_login(manager.user)
    response = client.get(reverse("directory:professional_specialties", args=[nurse.pk]))
    choices = {value for value, _label in response.context["form"].fields["specialty"].choices}
    assert choices == {"coordination_nursing", "liberal_nursing", "hospital_nursing"}


def test_the_csv_import_takes_additional_specialties_and_names_bad_ones(db):
    header = "rpps,last_name,first_name,profession,specialty,additional_specialties\n"
    good = f"{valid_rpps()},Martin,Paul,physician,medical_oncology,radiotherapy|haematology\n"
    report = import_professionals(content=header + good, actor=None)
    assert report.created == 1
    imported = Professional.objects.get(last_name="Martin")
    assert imported.recognised_specialties == {"medical_oncology", "radiotherapy", "haematology"}
    bad = f"{valid_rpps()},Durand,Luc,physician,radiology,radiology|liberal_nursing\n"
    with pytest.raises(ImportRefused) as refused:
        import_professionals(content=header + bad, actor=None)
    assert [(e.line, e.field) for e in refused.value.report.errors] == [
        (2, "additional_specialties"),
        (2, "additional_specialties"),
    ]


# --- accreditation cycles ---------------------------------------------------------------------


def test_a_jacie_accreditation_without_expiry_lasts_one_cycle_and_its_interim_audit_is_recorded():
    centre = OrganisationFactory(kind="efs_care_centre")
    jacie = services.capability_add(
        actor=None, organisation=centre, kind="jacie", valid_from=dt.date(2025, 6, 30)
    )
    assert jacie.valid_until == dt.date(2029, 6, 30)
    with pytest.raises(ApplicationError) as refused:
        services.capability_interim_audit_record(
            actor=None, capability=jacie, audited_on=dt.date(2030, 1, 1)
        )
    assert "interim_audit_on" in refused.value.errors
    assert Capability.objects.get(pk=jacie.pk).interim_audit_on is None
    services.capability_interim_audit_record(
        actor=None, capability=jacie, audited_on=dt.date(2027, 6, 20)
    )
    assert Capability.objects.get(pk=jacie.pk).interim_audit_on == dt.date(2027, 6, 20)
    assert AuditEvent.objects.filter(object_id=str(jacie.pk), action="update").exists()


def test_expiring_capabilities_follow_the_jacie_cycle():
    today = timezone.localdate()
    centre = OrganisationFactory(kind="efs_care_centre")

    def jacie(start_days_ago: int, audited: bool) -> Capability:
        start = today - dt.timedelta(days=start_days_ago)
        return Capability.objects.create(
            organisation=centre,
            kind="jacie",
            valid_from=start,
            valid_until=services.add_months(start, 48),
            interim_audit_on=start + dt.timedelta(days=700) if audited else None,
        )

    quiet = jacie(300, audited=False)  # first year
    interim_soon = jacie(700, audited=False)  # audit due in about a month
    interim_overdue = jacie(900, audited=False)
    interim_done = jacie(900, audited=True)
    renewal = jacie(48 * 30, audited=True)  # about a month before expiry... within a year
    other = Capability.objects.create(
        organisation=centre,
        kind="cancer_treatment",
        activity="systemic_treatment",
        valid_from=today - dt.timedelta(days=1000),
        valid_until=today + dt.timedelta(days=200),
    )
    listed = set(selectors.expiring_capabilities())
    assert {interim_soon, interim_overdue, renewal} <= listed
    assert not {quiet, interim_done, other} & listed
    assert [a.code for a in interim_soon.cycle_alerts] == ["interim_audit_due"]
    assert [a.code for a in interim_overdue.cycle_alerts] == ["interim_audit_overdue"]


def test_the_organisation_page_and_home_panel_show_the_cycle(client):
    today = timezone.localdate()
    centre = OrganisationFactory(kind="efs_care_centre", name="Centre EFS de test")
    start = today - dt.timedelta(days=900)
    Capability.objects.create(
        organisation=centre,
        kind="jacie",
        valid_from=start,
        valid_until=services.add_months(start, 48),
    )
    admin = ProfessionalFactory(user__role="administrator", profession="administrative")
    client.force_login(admin.user)
    page = client.get(reverse("directory:organisation", args=[centre.pk])).content.decode()
    assert "audit intermédiaire en retard" in page
    home = client.get("/").content.decode()
    assert "Centre EFS de test" in home and "audit intermédiaire en retard" in home
