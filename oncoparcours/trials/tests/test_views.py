"""Registry pages and the patient record's "Clinical trials" section."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.testing.factories import DiagnosisFactory
from oncoparcours.trials import services
from oncoparcours.trials.models import Trial, TrialSite

pytestmark = pytest.mark.django_db
DEMO = (Path(__file__).resolve().parents[1] / "data" / "demo_trials.yaml").read_text()
HTMX = {"HTTP_HX_REQUEST": "true"}


def trials_section(patient):
    """The record's trials section, loaded on its own by htmx (issue 19)."""
    return reverse("patients:record_section", args=[patient.pk, "trials"])


def import_demo(copies=1):
    for index in range(copies):
        content = DEMO.replace("NCT099", f"NCT{index:02d}9") if index else DEMO
        for trial in services.trials_import_ctml(actor=None, content=content):
            TrialSite.objects.create(
                trial=trial, name="CLB", city="Lyon", latitude=45.74, longitude=4.88,
                status="RECRUITING",
            )  # fmt: skip


def braf_patient(clinician, patient):
    DiagnosisFactory(patient=patient, icd10="C18.7")
    patient.latitude, patient.longitude = 45.76, 4.84
    patient.save()
    molecular_finding_add(
        actor=clinician.user, patient=patient,
        raw={"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
             "protein_change": "p.V600E", "classification": "5", "sampled_on": "2025-01-10",
             "source": "NGS"},
    )  # fmt: skip


def test_registry_list_search_status_and_stale_flag(clinician_client):
    import_demo()
    Trial.objects.filter(nct_id="NCT09900002").update(
        retrieved_at=timezone.now() - dt.timedelta(days=45)
    )
    body = clinician_client.get(reverse("trials:list")).content.decode()
    assert "NCT09900001" in body and body.count("badge--warning") == 1
    body = clinician_client.get(reverse("trials:list"), {"q": "ntrk"}).content.decode()
    assert "NCT09900002" in body and "NCT09900001" not in body
    body = clinician_client.get(reverse("trials:list"), {"stale": "on"}).content.decode()
    assert "NCT09900002" in body and "NCT09900003" not in body
    body = clinician_client.get(reverse("trials:list"), {"status": "COMPLETED"}).content.decode()
    assert "NCT099" not in body


def test_trial_page_shows_the_tree_in_french(clinician_client):
    import_demo()
    trial = Trial.objects.get(nct_id="NCT09900001")
    body = clinician_client.get(reverse("trials:detail", args=[trial.pk])).content.decode()
    assert "Toutes les conditions" in body or "All of:" in body
    assert (
        "BRAF" in body
        and "BRAF : toute mutation faux-sens en position V600" in body
        and "Lyon" in body
    )


@pytest.mark.parametrize("copies", [1, 4])
def test_registry_pages_query_counts_do_not_grow(
    copies, clinician_client, django_assert_max_num_queries
):
    import_demo(copies)
    with django_assert_max_num_queries(8):
        assert clinician_client.get(reverse("trials:list")).status_code == 200
    trial = Trial.objects.get(nct_id="NCT09900003")
    with django_assert_max_num_queries(8):
        assert clinician_client.get(reverse("trials:detail", args=[trial.pk])).status_code == 200


def test_patient_record_lists_the_basket_trial_with_reasons_and_distance(
    clinician_client, clinician, patient
):
    import_demo()
    braf_patient(clinician, patient)
    body = clinician_client.get(trials_section(patient), **HTMX).content.decode()
    section = body.split('class="plain-list trial-matches"')[1]
    first = section.split('class="trial-match"')[1]
    assert "NCT09900001" in first and "BRAF-V600" in first
    assert "BRAF p.V600E" in first  # what the patient has, per criterion
    assert "km" in first
    assert "NCT09900004" not in section  # breast cancer HER2 arm: not met (colon cancer)
    # The section's read is one audit event, named after it.
    [event] = AuditEvent.objects.filter(patient_id=patient.pk, action="view")
    assert event.details == {"what": "record section trials"}


def test_record_outside_the_care_team_is_404(outsider_client, patient):
    import_demo()
    assert outsider_client.get(patient.get_absolute_url()).status_code == 404
    assert outsider_client.get(trials_section(patient), **HTMX).status_code == 404


@pytest.mark.parametrize("copies", [1, 4])
def test_record_trials_section_queries_do_not_grow_with_the_registry(
    copies, clinician_client, clinician, patient, django_assert_max_num_queries
):
    import_demo(copies)
    braf_patient(clinician, patient)
    # The record's trials section loads on its own (issue 19): its fragment's request alone.
    with django_assert_max_num_queries(14):
        assert clinician_client.get(trials_section(patient), **HTMX).status_code == 200


def test_a_site_by_invitation_is_listed_but_never_the_nearest_open_site(
    clinician_client, clinician, patient
):
    """Safer reading (2026-12-04 review): "enrolling by invitation" is not open to a referral."""
    for trial in services.trials_import_ctml(actor=None, content=DEMO):
        TrialSite.objects.create(
            trial=trial, name="IUCT", city="Toulouse", latitude=43.6, longitude=1.44,
            status="RECRUITING",
        )  # fmt: skip
        TrialSite.objects.create(
            trial=trial, name="HCL", city="Lyon", latitude=45.75, longitude=4.85,
            status="ENROLLING_BY_INVITATION",
        )  # fmt: skip
    Trial.objects.filter(nct_id="NCT09900001").update(overall_status="ENROLLING_BY_INVITATION")
    braf_patient(clinician, patient)  # lives in Lyon
    body = clinician_client.get(trials_section(patient), **HTMX).content.decode()
    first = body.split('class="plain-list trial-matches"')[1].split('class="trial-match"')[1]
    assert "NCT09900001" in first  # still listed
    assert "IUCT (Toulouse)" in first and "sur invitation" in first
    assert "Sur invitation (non compté comme ouvert) : HCL (Lyon)" in first
    assert not TrialSite.objects.get(trial__nct_id="NCT09900001", name="HCL").is_open


def test_each_site_by_invitation_carries_its_badge_and_an_open_site_is_the_nearest(
    clinician_client, clinician, patient
):
    """A French site enrolling by invitation (ClinicalTrials.gov ENROLLING_BY_INVITATION) shows
    "sur invitation" beside its own name and is never presented as the nearest open site: the
    open site 400 km away is chosen over the one by invitation in the patient's city. With no
    recruiting French site, the row says there is no open site and still lists the invited one."""
    from oncoparcours.trials.rules.matching import Matcher
    from oncoparcours.trials.selectors import open_arm_specs, patient_facts

    for trial in services.trials_import_ctml(actor=None, content=DEMO):
        TrialSite.objects.create(
            trial=trial, name="HCL", city="Lyon", latitude=45.75, longitude=4.85,
            status="ENROLLING_BY_INVITATION",
        )  # fmt: skip
        if trial.nct_id == "NCT09900001":
            TrialSite.objects.create(
                trial=trial, name="IUCT", city="Toulouse", latitude=43.6, longitude=1.44,
                status="RECRUITING",
            )  # fmt: skip
    braf_patient(clinician, patient)  # lives in Lyon
    # The selector: only the recruiting site counts for the distance; the invited one is listed.
    specs = {spec.payload.trial.nct_id: spec for spec in open_arm_specs()}
    braf = specs["NCT09900001"]
    assert (braf.site_names, braf.invitation_sites) == (("IUCT (Toulouse)",), ("HCL (Lyon)",))
    assert braf.sites == ((43.6, 1.44),)
    [match] = [m for m in Matcher(open_arm_specs()).match(patient_facts(patient))
               if m.arm.payload.trial.nct_id == "NCT09900001"]  # fmt: skip
    assert match.site == "IUCT (Toulouse)" and 350 < match.distance_km < 450
    # The page (Django test client).
    body = clinician_client.get(trials_section(patient), **HTMX).content.decode()
    rows = body.split('class="plain-list trial-matches"')[1].split('class="trial-match"')[1:]
    [braf_row] = [row for row in rows if "NCT09900001" in row]
    assert "Centre français ouvert le plus proche : " in braf_row
    assert "IUCT (Toulouse)" in braf_row
    assert 'HCL (Lyon) <span class="badge badge--warning">sur invitation</span>' in braf_row
    assert "HCL (Lyon)" not in braf_row.split("Sur invitation (non compté comme ouvert)")[0]
    # A trial whose only French site enrols by invitation: no open site, the invited one listed.
    others = [row for row in rows if "NCT09900001" not in row]
    assert others, "the basket arm (any solid tumour) is listed too"
    for row in others:
        assert "Aucun centre français ouvert de localisation connue." in row
        assert 'HCL (Lyon) <span class="badge badge--warning">sur invitation</span>' in row
    # The trial page marks the site too.
    trial = Trial.objects.get(nct_id="NCT09900001")
    page = clinician_client.get(reverse("trials:detail", args=[trial.pk])).content.decode()
    assert '<span class="badge badge--warning">sur invitation</span>' in page


def test_the_network_coordinator_s_menu_links_to_the_trials_she_uses(client, db):
    """Cold try-out: /essais/ and its import worked for the coordinator but her menu had no
    "Essais cliniques" link."""
    from oncoparcours.core.navigation import nav_items_for
    from oncoparcours.testing.factories import UserFactory

    assert "trials" in [item.key for item in nav_items_for("network_coordinator")]
    client.force_login(UserFactory(username="coord-trials", role="network_coordinator"))
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("trials:list")}"' in page
    assert client.get(reverse("trials:list")).status_code == 200


def test_the_arms_of_a_trial_without_named_arms_are_said_in_words(clinician_client):
    import_demo()
    trial = Trial.objects.get(nct_id="NCT09900001")
    arm = trial.arms.first()
    arm.code = "main"  # the import's code for a trial without named arms (kept for re-imports)
    arm.save(update_fields=["code"])
    body = clinician_client.get(reverse("trials:detail", args=[trial.pk])).content.decode()
    assert "bras unique" in body and ">main<" not in body and "main <span" not in body
