"""Re-matching and its notices (a new biomarker, an arm closing or opening), and the trials
worklist per network (scoped to the user's patients, query count independent of size)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.notifications.models import Notification
from oncoparcours.directory.models import Network
from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.testing.factories import CareTeamMemberFactory, DiagnosisFactory, PatientFactory
from oncoparcours.trials import matching_services
from oncoparcours.trials.models import Arm, PatientArmMatch
from oncoparcours.trials.selectors import icd10_scope_filter

from .test_views import import_demo

pytestmark = pytest.mark.django_db(transaction=True)  # notices are sent on commit

BRAF = {"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "protein_change": "p.V600E",
        "classification": "5", "sampled_on": "2025-01-10", "source": "NGS"}  # fmt: skip


def notices(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient_user=user, kind="trial_match")
        .order_by("created_at")
        .values_list("context__text", flat=True)
    )


def lung_patient(clinician, name="Lefort"):
    patient = PatientFactory(birth_last_name=name, birth_date=dt.date(1960, 1, 1))
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    DiagnosisFactory(patient=patient, icd10="C34.1", icdo3_morphology="8140/3")
    return patient


def test_a_new_biomarker_notifies_the_referring_physician_once(clinician):
    import_demo()
    patient = lung_patient(clinician)
    matching_services.patient_rematch(actor=None, patient=patient, reason="initial", notify=False)
    assert notices(clinician.user) == []
    before = set(PatientArmMatch.objects.filter(patient=patient).values_list("arm__code", "value"))
    assert ("BRAF-V600", 1) in before  # to verify: no BRAF result recorded
    molecular_finding_add(actor=clinician.user, patient=patient, raw=BRAF)
    [text] = notices(clinician.user)
    assert "NCT09900001 — BRAF-V600" in text and "Lefort".upper() in text.upper()
    assert PatientArmMatch.objects.get(patient=patient, arm__code="BRAF-V600").value == 2
    # Idempotent: matching again with nothing new changes nothing and notifies no one.
    assert matching_services.patient_rematch(actor=None, patient=patient, reason="again") is None
    molecular_finding_add(
        actor=clinician.user,
        patient=patient,
        raw={"kind": "tmb", "tmb": "3", "sampled_on": "2025-01-10", "source": "NGS"},
    )  # fmt: skip — a result that changes no arm
    assert len(notices(clinician.user)) == 1


def test_an_arm_closing_notifies_and_reopening_matches_again(clinician, outsider):
    import_demo()
    patient = lung_patient(clinician)
    molecular_finding_add(actor=clinician.user, patient=patient, raw=BRAF)
    count = len(notices(clinician.user))
    arm = Arm.objects.get(code="BRAF-V600")
    matching_services.arm_status_set(actor=None, arm=arm, status="suspended")
    assert not PatientArmMatch.objects.filter(patient=patient, arm=arm).exists()
    last = notices(clinician.user)[-1]
    assert len(notices(clinician.user)) == count + 1 and "NCT09900001 — BRAF-V600" in last
    assert notices(outsider.user) == []  # not in the care team: told nothing
    matching_services.arm_status_set(actor=None, arm=arm, status="suspended")  # no change
    assert len(notices(clinician.user)) == count + 1
    matching_services.arm_status_set(actor=None, arm=arm, status="open")
    assert PatientArmMatch.objects.get(patient=patient, arm=arm).value == 2
    assert len(notices(clinician.user)) == count + 2


def test_an_arm_no_longer_met_after_new_patient_data_is_told_to_the_physician(clinician):
    """Safer reading: a board may already have proposed the arm, so losing it is news too."""
    import_demo()
    patient = lung_patient(clinician)
    molecular_finding_add(actor=clinician.user, patient=patient, raw=BRAF)
    assert PatientArmMatch.objects.get(patient=patient, arm__code="BRAF-V600").value == 2
    count = len(notices(clinician.user))
    # A second, haematological cancer recorded: the solid-tumour basket is no longer certain.
    DiagnosisFactory(patient=patient, icd10="C91.0", icdo3_morphology="9835/3")
    matching_services.patient_rematch(actor=None, patient=patient, reason="new diagnosis")
    after = PatientArmMatch.objects.filter(patient=patient, arm__code="BRAF-V600").first()
    assert after is None or after.value != 2
    texts = notices(clinician.user)
    assert len(texts) == count + 1 and "NCT09900001 — BRAF-V600" in texts[-1]


@pytest.mark.parametrize(
    ("code", "ranges", "inside"),
    [
        ("C34.1", [("C33", "C39")], True),
        ("C39.9", [("C33", "C39")], True),
        ("C40.0", [("C33", "C39")], False),
        ("C45", [("C45.0", "C45.0")], False),
        ("C45.0", [("C45.0", "C45.0")], True),
        ("C71.9", [("C71", "C71"), ("D43", "D43")], True),
    ],
)
def test_the_scope_filter_agrees_with_the_range_rule(clinician, code, ranges, inside):
    from oncoparcours.directory.rules.icd10 import in_any_range
    from oncoparcours.patients.models import Diagnosis

    DiagnosisFactory(icd10=code)
    found = Diagnosis.objects.filter(icd10_scope_filter(ranges)).exists()
    assert found == inside == in_any_range(code, ranges)


def test_the_network_worklist_lists_my_patients_only_with_constant_queries(
    clinician, outsider, client, django_assert_max_num_queries
):
    import_demo()
    Network.objects.update_or_create(
        code="RECAP", defaults={"name": "Réseau RECAP", "icd10_ranges": [["C33", "C39"]]}
    )
    mine = lung_patient(clinician, "Mienne")
    molecular_finding_add(actor=clinician.user, patient=mine, raw=BRAF)
    theirs = lung_patient(outsider, "Autre")
    matching_services.patient_rematch(actor=None, patient=theirs, reason="t", notify=False)
    url = reverse("trials:worklist", args=["RECAP"])
    client.force_login(clinician.user)
    page = client.get(url).content.decode()
    assert "MIENNE" in page.upper() and "AUTRE" not in page.upper()
    assert "NCT09900001 — BRAF-V600" in page
    met_only = client.get(url, {"result": "met"}).content.decode()
    assert "MIENNE" in met_only.upper()
    client.force_login(outsider.user)
    assert "MIENNE" not in client.get(url).content.decode().upper()
    assert client.get(reverse("trials:worklist", args=["NOPE"])).status_code == 404
    client.force_login(clinician.user)
    networks = client.get(reverse("trials:networks")).content.decode()
    assert "RECAP" in networks

    def load(count):
        for index in range(count):
            patient = lung_patient(clinician, f"Patient{index}")
            matching_services.patient_rematch(actor=None, patient=patient, reason="t", notify=False)

    load(2)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    load(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("BRAF-V600") >= 10


def test_matching_facts_take_old_values_as_to_verify(clinician):
    """Clinical review: an M0 or an ECOG from long ago, and unnumbered treatment courses, are
    not taken as current (a relapse since, a worse performance status, courses that are not
    lines): the criteria reading them are to verify."""
    from oncoparcours.patients.models import PerformanceStatus, Staging, TreatmentCourse
    from oncoparcours.trials.selectors import patient_facts

    patient = lung_patient(clinician)
    diagnosis = patient.diagnoses.get()
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=400)
    Staging.objects.create(diagnosis=diagnosis, kind="clinical", t="T2", n="N0", m="M0",
                           stage_group="IB", staged_on=long_ago)  # fmt: skip
    PerformanceStatus.objects.create(patient=patient, scale="ecog", value=0, recorded_on=long_ago)
    for kind in ("chemotherapy", "radiotherapy"):
        TreatmentCourse.objects.create(
            patient=patient, kind=kind, regimen="x", started_on=long_ago, recorded_by=clinician.user
        )
    old = patient_facts(patient)
    assert (old.metastatic, old.ecog, old.prior_lines) == (None, None, None)
    Staging.objects.create(diagnosis=diagnosis, kind="clinical", t="T2", n="N0", m="M0",
                           stage_group="IB", staged_on=today)  # fmt: skip
    PerformanceStatus.objects.create(patient=patient, scale="ecog", value=1, recorded_on=today)
    TreatmentCourse.objects.create(patient=patient, kind="chemotherapy", regimen="y", line=2,
                                   recorded_by=clinician.user,
                                   started_on=today)  # fmt: skip
    recent = patient_facts(patient)
    assert (recent.metastatic, recent.ecog, recent.prior_lines) == (False, 1, 2)


def test_the_simple_biomarker_entry_re_matches_and_notifies(clinician):
    """ "HER2 3+" typed in the record's simple biomarker entry is a structured result: the HER2
    arm becomes met and the referring physician is told (issue 15: one source)."""
    from oncoparcours.patients import services as patient_services
    from oncoparcours.patients.models import Biomarker
    from oncoparcours.patients.molecular_services import biomarkers_to_structured

    import_demo()
    patient = PatientFactory(birth_last_name="Garnier", birth_date=dt.date(1970, 1, 1))
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    diagnosis = DiagnosisFactory(patient=patient, icd10="C50.4", icdo3_morphology="8500/3")
    matching_services.patient_rematch(actor=None, patient=patient, reason="initial", notify=False)
    assert PatientArmMatch.objects.get(patient=patient, arm__code="HER2-POS").value == 1
    # A former free-text row that cannot be structured ("HER2 positive" without its score) is
    # kept "to verify": matching ignores it, nobody is told.
    Biomarker.objects.create(
        diagnosis=diagnosis, marker="HER2", result="positive", tested_on=dt.date(2025, 1, 5)
    )
    biomarkers_to_structured(actor=clinician.user)
    assert PatientArmMatch.objects.get(patient=patient, arm__code="HER2-POS").value == 1
    assert notices(clinician.user) == []
    patient_services.biomarker_add(
        actor=clinician.user, diagnosis=diagnosis, marker="HER2", result="positive",
        value="IHC 3+", tested_on=dt.date(2025, 1, 10),
    )  # fmt: skip
    assert PatientArmMatch.objects.get(patient=patient, arm__code="HER2-POS").value == 2
    [text] = notices(clinician.user)
    assert "NCT09900004" in text and "GARNIER" in text.upper()


def test_only_the_ish_of_the_her2_score_s_own_specimen_decides_a_2plus(clinician):
    """Review M5 (2026-12-04): HER2 may differ between a primary tumour and a metastasis; an ISH
    of another specimen (another sampling date) does not decide a 2+ (ASCO/CAP 2018)."""
    from oncoparcours.trials.rules.criteria import MET, UNKNOWN, ihc
    from oncoparcours.trials.selectors import patient_facts

    patient = lung_patient(clinician)
    her2_low = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2}

    def add(raw):
        molecular_finding_add(actor=clinician.user, patient=patient, raw={"source": "CR", **raw})

    add({"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification",
         "sampled_on": "2019-05-02"})  # fmt: skip
    add({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "2+",
         "sampled_on": "2026-01-10"})  # fmt: skip
    assert ihc(her2_low, patient_facts(patient))[0] == UNKNOWN
    add({"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification",
         "method": "ish", "sampled_on": "2026-01-10"})  # fmt: skip
    assert ihc(her2_low, patient_facts(patient))[0] == MET


def test_her2_2plus_with_an_erbb2_amplification_known_only_from_ngs_is_to_verify(clinician):
    """ASCO/CAP 2018: an IHC 2+ is concluded by the reflex in situ hybridisation. An ERBB2
    amplification reported by NGS (or recorded without its method) beside it does not make the
    HER2-positive arm met: to verify, the reason asking for the ISH; an ISH amplification of the
    same specimen then makes it met. A 3+ is HER2-positive whatever the method."""
    from oncoparcours.trials.rules.criteria import MET, UNKNOWN, ihc
    from oncoparcours.trials.selectors import patient_facts, patient_trial_matches

    import_demo()
    patient = PatientFactory(birth_last_name="Garnier", birth_date=dt.date(1970, 1, 1), sex="F")
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    DiagnosisFactory(patient=patient, icd10="C50.4", icdo3_morphology="8500/3")
    her2_pos = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}

    def add(raw):
        molecular_finding_add(actor=clinician.user, patient=patient, raw={"source": "CR", **raw})

    add({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "2+",
         "sampled_on": "2026-01-10"})  # fmt: skip
    add({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
         "classification": "5", "method": "ngs", "sampled_on": "2026-01-10"})  # fmt: skip
    # The same, its method not recorded: not an ISH either.
    add({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
         "classification": "5", "sampled_on": "2026-01-10"})  # fmt: skip
    assert ihc(her2_pos, patient_facts(patient)) == (UNKNOWN, "2+ other+")
    assert PatientArmMatch.objects.get(patient=patient, arm__code="HER2-POS").value == 1
    [match] = [m for m in patient_trial_matches(user=clinician.user, patient=patient)
               if m.arm.payload.code == "HER2-POS"]  # fmt: skip
    [leaf] = [leaf for leaf in match.leaves if leaf.criterion["criterion"] == "ihc"]
    assert (leaf.value, leaf.found) == (UNKNOWN, "2+ other+")
    page = clinician_page(clinician, patient)
    assert "une hybridation in situ (ISH) est nécessaire pour conclure" in page
    add({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
         "classification": "5", "method": "FISH", "sampled_on": "2026-01-10"})  # fmt: skip
    assert ihc(her2_pos, patient_facts(patient)) == (MET, "2+ ISH+")
    assert PatientArmMatch.objects.get(patient=patient, arm__code="HER2-POS").value == 2
    add({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "3+",
         "sampled_on": "2026-03-01"})  # fmt: skip
    add({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
         "classification": "5", "method": "ngs", "sampled_on": "2026-03-01"})  # fmt: skip
    assert ihc(her2_pos, patient_facts(patient)) == (MET, "3")


def clinician_page(clinician, patient) -> str:
    from django.test import Client

    client = Client()
    client.force_login(clinician.user)
    # The record's trials section, loaded on its own (issue 19).
    url = reverse("patients:record_section", args=[patient.pk, "trials"])
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_two_her2_scores_of_one_specimen_that_differ_are_to_verify(clinician):
    """Two HER2 scores recorded for the same specimen (same sampling date), 2+ and 3+: the
    order of the records never decides; "to verify", naming both. A later specimen's score
    alone decides again."""
    from oncoparcours.trials.rules.criteria import DISCORDANT, MET, UNKNOWN, ihc, msi, tmb
    from oncoparcours.trials.selectors import patient_facts

    patient = lung_patient(clinician)
    her2_pos = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}

    def add(raw):
        molecular_finding_add(actor=clinician.user, patient=patient, raw={"source": "CR", **raw})

    for value in ("3+", "2+"):
        add({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": value,
             "sampled_on": "2026-01-10"})  # fmt: skip
    value, found = ihc(her2_pos, patient_facts(patient))
    assert value == UNKNOWN and found.startswith(DISCORDANT) and "3" in found
    add({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "3+",
         "sampled_on": "2026-02-10"})  # fmt: skip
    assert ihc(her2_pos, patient_facts(patient))[0] == MET
    for status in ("msi_h", "mss"):
        add({"kind": "msi", "msi_status": status, "sampled_on": "2026-02-10"})
    assert msi({"criterion": "msi", "status": "msi_h"}, patient_facts(patient))[0] == UNKNOWN
    for value in ("8", "12"):
        add({"kind": "tmb", "tmb": value, "sampled_on": "2026-02-10"})
    assert tmb({"criterion": "tmb", "min": 10}, patient_facts(patient))[0] == UNKNOWN


def test_the_rematch_command_rewrites_stale_matches_after_a_rule_change(clinician):
    """After a change of the matching rules is deployed (e.g. a HER2 2+ with an amplification
    by NGS is now to verify), ``oncoparcours trials rematch`` rewrites the stored matches."""
    from io import StringIO

    from django.core.management import call_command

    import_demo()
    patient = lung_patient(clinician)
    matching_services.patient_rematch(actor=None, patient=patient, reason="initial", notify=False)
    stored = PatientArmMatch.objects.get(patient=patient, arm__code="BRAF-V600")
    assert stored.value == 1
    PatientArmMatch.objects.filter(pk=stored.pk).update(value=2)  # as read by the former rules
    out = StringIO()
    call_command("trials", "rematch", stdout=out)
    assert "rapprochés à nouveau : 1 rapprochement" in out.getvalue()
    assert PatientArmMatch.objects.get(patient=patient, arm__code="BRAF-V600").value == 1
