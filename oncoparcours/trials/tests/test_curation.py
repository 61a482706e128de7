"""Curation of an arm's eligibility tree: preview of the patients an edit adds or removes
(names only for the curator's own patients), a new version with the changed criteria stamped
curated (verbatim text required), history kept, patients matched again."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.trials.models import Arm, ArmTreeVersion, PatientArmMatch

from .test_rematch_worklist import BRAF, lung_patient
from .test_views import import_demo

pytestmark = pytest.mark.django_db


def test_preview_then_save_a_curated_edit(clinician, outsider, client):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    mine = lung_patient(clinician, "Mienne")
    molecular_finding_add(actor=clinician.user, patient=mine, raw=BRAF)
    lung_patient(outsider, "Autre")
    assert PatientArmMatch.objects.filter(arm=arm, patient=mine).exists()
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)
    page = client.get(url)
    assert page.status_code == 200 and "Historique des modifications" in page.content.decode()
    tree = json.loads(json.dumps(arm.tree["tree"]))
    exclusion = {"not": {"criterion": "disease", "icd10": ["C34"], "text": "Hors cancer du poumon"}}
    tree["and"].append(exclusion)
    preview = client.post(url, {"tree": json.dumps(tree), "do": "preview"}).content.decode()
    section = preview.split('id="h-preview"')[1]
    assert "MIENNE" in section.upper() and "AUTRE" not in section.upper()
    assert "1 patient hors de vos équipes de soins" in section  # the other clinician's patient
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1  # nothing saved by a preview

    without_text = json.loads(json.dumps(tree))
    del without_text["and"][-1]["not"]["text"]
    refused = client.post(url, {"tree": json.dumps(without_text), "do": "save", "note": "x"})
    assert refused.status_code == 400 and "tree.4.not.text" in refused.content.decode()
    bad = client.post(url, {"tree": "{not json", "do": "save", "note": "x"})
    assert bad.status_code == 400 and "JSON" in bad.content.decode()
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1

    saved = client.post(url, {"tree": json.dumps(tree), "do": "save", "note": "Poumon exclu"})
    assert saved.status_code == 302
    arm.refresh_from_db()
    assert arm.tree_version == 2 and ArmTreeVersion.objects.filter(arm=arm).count() == 2
    leaf = arm.tree["tree"]["and"][-1]["not"]
    assert leaf["provenance"] == "curated" and leaf["curator"] == "Hélène VASSEUR"
    assert leaf["date"] == timezone.localdate().isoformat()
    assert arm.tree["tree"]["and"][0].get("provenance") == "imported"  # unchanged: kept
    assert not PatientArmMatch.objects.filter(arm=arm, patient=mine).exists()  # matched again
    history = client.get(url).content.decode()
    assert "Poumon exclu" in history and "Version 1" in history


def test_only_physicians_and_administrators_curate(client, clinician):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    clinician.user.role = "coordination_nurse"
    clinician.user.save()
    client.force_login(clinician.user)
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    assert client.get(url).status_code == 403
