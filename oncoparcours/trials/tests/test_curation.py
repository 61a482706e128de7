"""Curation of an arm's eligibility tree: preview of the patients an edit adds or removes
(names only for the curator's own patients), a new version with the changed criteria stamped
curated (verbatim text required), history kept, patients matched again."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from oncoparcours.patients.molecular_services import molecular_finding_add
from oncoparcours.trials.models import Arm, ArmTreeVersion, PatientArmMatch

from .test_rematch_worklist import BRAF, lung_patient
from .test_views import import_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(clinician):
    """The clinician, named clinical-trial curator."""
    clinician.is_trial_curator = True
    clinician.save()
    return clinician


def test_preview_then_save_a_curated_edit(curator, clinician, outsider, client):
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


def test_only_named_curators_curate(client, clinician, outsider):
    """Any physician could edit the criteria: now only a professional named curator."""
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)  # a physician, not a curator
    with translation.override("fr"):
        refused = client.get(url)
        posted = client.post(url, {"tree": json.dumps(arm.tree["tree"]), "do": "save",
                                   "note": "x"})  # fmt: skip
    assert refused.status_code == 403 and posted.status_code == 403
    assert "Seuls les curateurs des essais cliniques" in refused.content.decode()
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1
    trial_page = client.get(reverse("trials:detail", args=[arm.trial_id])).content.decode()
    assert url not in trial_page
    clinician.is_trial_curator = True
    clinician.save()
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("trials:detail", args=[arm.trial_id])).content.decode()


def test_the_preview_lists_patients_whose_result_changes(curator, client):
    """A patient to verify who becomes met (or the reverse) was hidden: now listed with both."""
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    lung_patient(curator, "Mienne")  # no BRAF result: to verify for the arm
    tree = {"criterion": "disease", "icd10": ["C34"], "text": "Cancer du poumon"}
    client.force_login(curator.user)
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    with translation.override("fr"):
        page = client.post(url, {"tree": json.dumps(tree), "do": "preview"}).content.decode()
    section = page.split('id="h-preview"')[1]
    assert "1 patient dont le résultat change (rempli ↔ à vérifier)" in section
    changed = section.split("dont le résultat change")[1]
    assert "MIENNE" in changed.upper() and "à vérifier → rempli" in changed


def _textarea_tree(html: str) -> dict:
    import html as html_module

    raw = html.split('name="tree"')[1].split(">", 1)[1].split("</textarea>")[0]
    return json.loads(html_module.unescape(raw))


def test_add_an_exclusion_criterion_without_writing_json_then_save(
    curator, clinician, outsider, client
):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    mine = lung_patient(clinician, "Mienne")
    molecular_finding_add(actor=clinician.user, patient=mine, raw=BRAF)
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)
    page = client.get(url).content.decode()
    assert "Critères à retirer" in page and "sauf C43" in page  # the melanoma exclusion
    edit = {"do": "criteria", "c-kind": "disease", "c-icd10": "c34", "c-exclusion": "on",
            "c-text": "Patients atteints d'un cancer du poumon exclus"}  # fmt: skip
    answer = client.post(url, edit)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "MIENNE" in html.split('id="h-preview"')[1].upper()  # she would be removed
    tree = _textarea_tree(html)
    added = tree["and"][-1]
    assert added == {"not": {"criterion": "disease", "icd10": ["C34"],
                             "text": "Patients atteints d'un cancer du poumon exclus"}}  # fmt: skip
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1  # nothing saved yet
    saved = client.post(url, {"tree": json.dumps(tree), "do": "save", "note": "Poumon exclu"})
    assert saved.status_code == 302
    arm.refresh_from_db()
    assert arm.tree_version == 2
    assert arm.tree["tree"]["and"][-1]["not"]["provenance"] == "curated"
    assert not PatientArmMatch.objects.filter(arm=arm, patient=mine).exists()


def test_remove_a_criterion_and_refusals_name_the_field(curator, clinician, client):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)
    removed = client.post(url, {"do": "criteria", "remove": ["tree.1"]})  # age >= 18
    assert removed.status_code == 200
    remaining = _textarea_tree(removed.content.decode())["and"]
    assert [c["criterion"] for c in remaining] == ["disease", "disease", "variant"]

    bad = client.post(url, {"do": "criteria", "c-kind": "variant", "c-gene": "braf v600e",
                            "c-minimum": "18"})  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Texte source" in html and "symbole de gène HGNC" in html
    assert "Ne s&#x27;applique pas à ce type de critère" in html  # a minimum on a gene
    stale = client.post(url, {"do": "criteria", "remove": ["tree.9"]})
    assert (
        stale.status_code == 400 and "n&#x27;est plus dans cette version" in stale.content.decode()
    )
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1 and arm.tree_version == 1


def test_tree_edits_keep_paths_and_prune_empty_groups():
    from oncoparcours.trials.rules.tree_edit import criteria_at, tree_with, tree_without

    age = {"criterion": "age", "min": 18}
    either = {"or": [{"criterion": "variant", "gene": "EGFR"}, {"criterion": "variant",
                                                               "gene": "ALK"}]}  # fmt: skip
    tree = {"and": [age, either, {"not": {"criterion": "disease", "icd10": ["C43"]}}]}
    assert [(c.path, c.negated) for c in criteria_at(tree)] == [
        ("tree.0", False),
        ("tree.1.0", False),
        ("tree.1.1", False),
        ("tree.2.not", True),
    ]
    assert tree_without(tree, {"tree.1.0", "tree.1.1", "tree.2.not"}) == {"and": [age]}
    assert tree_without(tree, {"tree.0", "tree.1.0", "tree.1.1", "tree.2.not"}) is None
    assert tree_with(age, {"criterion": "sex", "sex": "F"}, negated=False) == {
        "and": [age, {"criterion": "sex", "sex": "F"}]
    }
    assert tree["and"][1]["or"][0]["gene"] == "EGFR"  # the original is not changed


def test_criterion_ranges_and_lab_units_are_checked(curator, clinician, client):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)
    bad = {"do": "criteria", "c-kind": "age", "c-minimum": "80", "c-maximum": "18",
           "c-text": "Âge 18 à 80 ans"}  # fmt: skip
    html = client.post(url, bad).content.decode()
    assert "Le maximum est inférieur au minimum." in html
    lab = {"do": "criteria", "c-kind": "lab", "c-test": "créatinine", "c-maximum": "1,5",
           "c-text": "Créatinine ≤ 1,5"}  # fmt: skip
    answer = client.post(url, lab)
    assert answer.status_code == 400 and "Indiquez l&#x27;unité" in answer.content.decode()


IMPOSSIBLE = [
    # Cold try-out: each was saved. ECOG 0–5, age min ≤ max, HER2 IHC 0–3+, ICD-10 format,
    # HGNC symbols the patient side knows.
    ({"criterion": "ecog", "max": 9}, ("tree.max", "ecog_out_of_range")),
    ({"criterion": "age", "min": 90, "max": 18}, ("tree.min", "min_above_max")),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 7},
     ("tree.min", "her2_score_out_of_range")),
    ({"criterion": "ihc", "marker": "PD-L1", "scale": "percent", "min": 150},
     ("tree.min", "percent_out_of_range")),
    ({"criterion": "tmb", "min": -1}, ("tree.min", "tmb_out_of_range")),
    ({"criterion": "disease", "icd10": ["ZZZ"]}, ("tree.icd10", "not_icd10")),
    ({"criterion": "disease", "exclude_icd10": ["cancer"]}, ("tree.exclude_icd10", "not_icd10")),
    ({"criterion": "variant", "gene": "BRAFF"}, ("tree.gene", "unknown_gene")),
    ({"criterion": "variant", "gene": "ALK", "fusion_partner": "EML44"},
     ("tree.fusion_partner", "unknown_gene")),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "problem"), IMPOSSIBLE)
def test_impossible_criteria_are_refused_by_path(criterion, problem):
    from oncoparcours.trials.rules.tree import tree_problems

    assert problem in tree_problems(criterion)
    fine = {"criterion": "disease", "icd10": ["C18", "C50.4", "C7A"]}
    assert tree_problems(fine) == []


def test_the_json_editor_and_the_form_refuse_impossible_criteria_in_french(
    curator, clinician, client
):
    import_demo()
    arm = Arm.objects.get(code="BRAF-V600")
    url = reverse("trials:curate", args=[arm.trial_id, arm.pk])
    client.force_login(clinician.user)
    tree = {"and": [{"criterion": "ecog", "max": 9}, {"criterion": "variant", "gene": "BRAFF"}]}
    with translation.override("fr"):
        bad = client.post(url, {"do": "preview", "tree": json.dumps(tree), "note": "x"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "tree.0.max" in html and "de 0 à 5" in html
    assert "tree.1.gene" in html and "gène inconnu" in html
    form = client.post(url, {"do": "criteria", "c-kind": "ecog", "c-text": "ECOG 0-9",
                             "c-minimum": "0", "c-maximum": "9"})  # fmt: skip
    assert form.status_code == 400 and "de 0 à 5" in form.content.decode()
    form = client.post(url, {"do": "criteria", "c-kind": "age", "c-text": "Âge 90 à 18",
                             "c-minimum": "90", "c-maximum": "18"})  # fmt: skip
    assert form.status_code == 400 and "minimum est au-dessus du maximum" in form.content.decode()
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 1


def test_the_ctml_import_refuses_an_unknown_gene():
    from pathlib import Path

    from oncoparcours.core.errors import ApplicationError
    from oncoparcours.trials import services
    from oncoparcours.trials.models import Trial

    demo = Path(__file__).resolve().parents[1] / "data" / "demo_trials.yaml"
    content = demo.read_text().replace("hugo_symbol: BRAF", "hugo_symbol: BRAFF")
    with translation.override("fr"), pytest.raises(ApplicationError) as refused:
        services.trials_import_ctml(actor=None, content=content)
    assert "gène inconnu" in str(refused.value) and "gene" in str(refused.value)
    assert not Trial.objects.exists()


def test_curators_import_trials_from_the_web_all_or_nothing(curator, clinician, outsider, client):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from oncoparcours.trials.models import Trial

    url = reverse("trials:import")
    client.force_login(outsider.user)
    assert client.get(url).status_code == 403
    client.force_login(clinician.user)
    assert 'href="/essais/import/"' in client.get(reverse("trials:list")).content.decode()
    demo = (Path(__file__).resolve().parents[1] / "data" / "demo_trials.yaml").read_text()
    bad = demo.replace("hugo_symbol: BRAF", "hugo_symbol: BRAFF", 1)
    with translation.override("fr"):
        refused = client.post(
            url, {"source": "ctml", "file": SimpleUploadedFile("t.yaml", bad.encode())}
        )
    assert refused.status_code == 400 and "gène inconnu" in refused.content.decode()
    assert not Trial.objects.exists()
    binary = client.post(
        url, {"source": "ctgov", "file": SimpleUploadedFile("t.json", b"\xff\xfe\x00")}
    )
    assert binary.status_code == 400 and "UTF-8" in binary.content.decode()
    done = client.post(url, {"source": "ctml", "file": SimpleUploadedFile("t.yaml", demo.encode())})
    assert done.status_code == 200 and Trial.objects.count() == 5
    assert "NCT09900001" in done.content.decode() and "créé" in done.content.decode()
    again = client.post(
        url, {"source": "ctml", "file": SimpleUploadedFile("t.yaml", demo.encode())}
    )
    assert "mis à jour" in again.content.decode()


def test_the_import_page_names_a_part_of_the_wrong_shape_in_french(curator, clinician, client):
    """A CTML step written as a text gave "contenu inattendu (AttributeError(...))" on the page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oncoparcours.trials.models import Trial

    client.force_login(clinician.user)
    bad = "nct_id: NCT09990003\nlong_title: T\ntreatment_list:\n  step:\n    - arm A\n"
    page = client.post(
        reverse("trials:import"),
        {"source": "ctml", "file": SimpleUploadedFile("t.yaml", bad.encode())},
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert "<strong>Rien n&#x27;a été importé.</strong>" in body
    assert (
        "document 1 (NCT09990003) : treatment_list.step.0 : une table de champs est attendue"
        in (body.replace("&#x27;", "'"))
    )
    assert "AttributeError" not in body and "contenu inattendu" not in body
    assert not Trial.objects.exists()
