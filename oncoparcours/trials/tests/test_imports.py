"""Imports: the ClinicalTrials.gov sample record, bad records (nothing half-imported), CTML
import / export round trip and refusals."""

import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.trials import services
from oncoparcours.trials.importers import ctml
from oncoparcours.trials.models import Arm, ArmTreeVersion, Trial
from oncoparcours.trials.rules.tree import document_problems

pytestmark = pytest.mark.django_db
SAMPLE = Path("/work/shared/samples/mcode-ctms/NCT02513394.json")
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo_trials.yaml"


def sample_study():
    if SAMPLE.exists():
        return json.loads(SAMPLE.read_text())
    return {"protocolSection": {
        "identificationModule": {"nctId": "NCT02513394", "briefTitle": "PALLAS"},
        "statusModule": {"overallStatus": "ACTIVE_NOT_RECRUITING"},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion", "sex": "ALL",
                              "minimumAge": "18 Years"},
    }}  # fmt: skip


def french(study):
    locations = study["protocolSection"].setdefault("contactsLocationsModule", {})
    locations["locations"] = [
        *locations.get("locations", [])[:3],
        {"facility": "Institut Gustave Roussy", "city": "Villejuif", "country": "France",
         "status": "RECRUITING", "geoPoint": {"lat": 48.79, "lon": 2.36}},
        {"facility": "CHU de Martinique", "city": "Fort-de-France", "country": "Martinique",
         "geoPoint": {"lat": 14.6, "lon": -61.07}},
    ]  # fmt: skip
    return study


def test_sample_record_imported_with_identifiers_text_age_and_french_sites():
    study = french(sample_study())
    (trial,) = services.trials_import_ctgov(actor=None, content=json.dumps(study))
    assert trial.nct_id == "NCT02513394" and trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.eligibility_text.startswith("Inclusion")
    assert {s.city for s in trial.sites.all()} == {"Villejuif", "Fort-de-France"}
    site = trial.sites.get(city="Villejuif")
    assert (site.status, site.latitude) == ("RECRUITING", 48.79)
    arm = trial.arms.first()
    tree = arm.tree["tree"]["and"]
    assert {k: tree[0][k] for k in ("criterion", "min")} == {"criterion": "age", "min": 18}
    assert tree[-1]["criterion"] == "to_curate"  # the rest of the text is to curate
    assert tree[0]["provenance"] == "imported"
    assert AuditEvent.objects.filter(action="import", object_id=str(trial.pk)).exists()


def test_list_of_studies_with_one_bad_record_imports_nothing_and_names_it():
    good = sample_study()
    bad = json.loads(json.dumps(good))
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    worse = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"},
                                 "statusModule": {"overallStatus": "OPEN"}}}  # fmt: skip
    with pytest.raises(ApplicationError) as error:
        services.trials_import_ctgov(
            actor=None, content=json.dumps({"studies": [good, bad, worse]})
        )
    message = str(error.value)
    assert "enregistrement 2 (NCT123) : nctId : 'NCT123'" in message
    # Every problem of a record, not only the first.
    assert (
        "enregistrement 3 (NCT00000001) : overallStatus : 'OPEN' inconnu ; pas de briefTitle"
        in (message)
    )
    assert not Trial.objects.exists()


def test_reimport_keeps_tree_history_only_when_the_tree_changes():
    content = json.dumps(sample_study())
    services.trials_import_ctgov(actor=None, content=content)
    services.trials_import_ctgov(actor=None, content=content)
    assert Trial.objects.count() == 1
    arm = Arm.objects.first()
    assert arm.tree_version == 1 and arm.tree_versions.count() == 1


def test_tree_edit_is_a_new_version_and_invalid_tree_refused(clinician):
    (trial,) = services.trials_import_ctml(actor=None, content=DEMO.read_text().split("---")[0])
    arm = trial.arms.get()
    new = {"schema": 1, "tree": {"and": [{"criterion": "ecog", "max": 1, "provenance": "curated"}]}}
    services.arm_tree_save(actor=clinician.user, arm=arm, document=new, note="ECOG")
    arm.refresh_from_db()
    assert arm.tree == new and list(arm.tree_versions.values_list("number", flat=True)) == [2, 1]
    with pytest.raises(ApplicationError, match=r"tree\.0\.max : (pas un nombre|not a number)"):
        services.arm_tree_save(
            actor=clinician.user, arm=arm,
            document={"schema": 1, "tree": {"and": [{"criterion": "ecog", "max": "1"}]}},
        )  # fmt: skip
    assert ArmTreeVersion.objects.filter(arm=arm).count() == 2
    with pytest.raises(PermissionError):
        ArmTreeVersion.objects.filter(arm=arm).update(note="rewritten")


def strip_meta(node):
    if isinstance(node, dict):
        return {k: strip_meta(v) for k, v in node.items()
                if k not in ("text", "provenance", "curator", "date")}  # fmt: skip
    if isinstance(node, list):
        return [strip_meta(v) for v in node]
    return node


def test_ctml_round_trip_of_the_demo_trials():
    trials = services.trials_import_ctml(actor=None, content=DEMO.read_text())
    assert len(trials) == 5
    for trial in trials:
        exported = services.trial_export_ctml(trial=trial)
        for arm in trial.arms.all():
            assert document_problems(arm.tree) == []
        data = ctml.parse_ctml(yaml.safe_load(exported), retrieved="2026-01-01")
        again = {a.code: strip_meta(a.tree) for a in data.arms}
        assert again == {a.code: strip_meta(a.tree) for a in trial.arms.all()}
    basket = Trial.objects.get(nct_id="NCT09900001").arms.get().tree["tree"]
    assert {"criterion": "disease", "group": "solid"} in strip_meta(basket["and"])
    assert {"criterion": "disease", "exclude_icd10": ["C43"]} in strip_meta(basket["and"])


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ({"clinical": {"oncotree_primary_diagnosis": "Chordoma"}},
         "'Chordoma' absent de notre table de correspondance"),
        ({"genomic": {"hugo_symbol": "BRAF", "variant_classification": "Missense"}},
         "champs génomiques non pris en charge : variant_classification"),
        ({"clinical": {"tumor_stage": "IV"}}, "champ ou valeur clinique"),
        ({"xor": []}, "'xor' non pris en charge"),
    ],
)  # fmt: skip
def test_unsupported_ctml_refused_by_path_and_nothing_imported(fragment, message):
    document = yaml.safe_load(DEMO.read_text().split("---")[0])
    document["treatment_list"]["step"][0]["arm"][0]["match"] = [{"and": [fragment]}]
    content = DEMO.read_text().split("---")[1] + "\n---\n" + yaml.safe_dump(document)
    with pytest.raises(ApplicationError, match=message) as error:
        services.trials_import_ctml(actor=None, content=content)
    assert "document 2 (NCT09900001) : treatment_list.step.0.arm.0.match.0.and.0" in str(
        error.value
    )
    assert not Trial.objects.exists()


def test_export_refuses_what_ctml_cannot_say():
    services.trials_import_ctgov(actor=None, content=json.dumps(sample_study()))
    with pytest.raises(ApplicationError) as error:
        services.trial_export_ctml(trial=Trial.objects.get())
    assert str(error.value).startswith("Export CTML impossible : bras ")
    assert (
        ".1 : un texte d'éligibilité encore à structurer ne peut pas s'écrire en CTML "
        "(structurez-le d'abord en critères)" in str(error.value)
    )


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"and": [{"criterion": "age", "min": 18},
                  {"criterion": "ihc", "marker": "PD-L1", "scale": "cps", "min": 10}]},
         "bras A.1 : ce critère d'immunohistochimie ne peut pas s'écrire en CTML (CTML ne dit "
         "que HER2, RE ou RP positif ou négatif)"),
        ({"not": {"criterion": "variant", "gene": "KRAS"}},
         "bras A : une exclusion (NOT) autre que celle d'un diagnostic ne peut pas s'écrire "
         "en CTML"),
        ({"criterion": "disease", "icd10": ["C16"]},
         "bras A : ce critère de diagnostic n'a pas de nom OncoTree dans notre table"),
        ({"criterion": "variant", "gene": "MET", "alteration_type": "snv"},
         "bras A : le type d'altération 'snv' ne peut pas s'écrire en CTML"),
        ({"criterion": "ecog", "max": 1},
         "bras A : le critère 'ecog' ne peut pas s'écrire en CTML"),
    ],
)  # fmt: skip
def test_export_refusals_are_in_french_with_the_path_and_the_reason(tree, message):
    data = ctml.TrialData(
        title="T", overall_status="RECRUITING", source="manual", nct_id="NCT09990002",
        arms=[ctml.ArmData("A", "", "open", {"schema": 1, "tree": tree})],
    )  # fmt: skip
    with pytest.raises(ctml.ExportError) as error:
        ctml.trial_to_ctml(data)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(treatment_list=["step"]),
         "treatment_list : une table de champs est attendue"),
        (lambda d: d["treatment_list"].update(step={"arm": []}),
         "treatment_list.step : une liste d'étapes est attendue"),
        (lambda d: d["treatment_list"]["step"][0].update(arm={"arm_code": "A"}),
         "treatment_list.step.0.arm : une liste de bras est attendue"),
        (lambda d: d.update(_summary={"status": "open to accrual"}),
         "_summary.status : une liste de tables avec une valeur (value) est attendue"),
        (lambda d: d["treatment_list"]["step"][0]["arm"][0].update(match=[{"clinical": ["x"]}]),
         "treatment_list.step.0.arm.0.match.0.clinical : une table de champs est attendue"),
    ],
)  # fmt: skip
def test_a_ctml_part_of_the_wrong_shape_is_named_in_french_not_a_python_error(change, message):
    """These gave "contenu inattendu (AttributeError(\"'str' object has no attribute 'get'\"))"."""
    document = _ctml_arm({"clinical": {"age_numerical": ">=18"}})
    change(document)
    with pytest.raises(ApplicationError) as error:
        services.trials_import_ctml(actor=None, content=yaml.safe_dump(document))
    assert f"document 1 (NCT09990001) : {message}" in str(error.value)
    assert "contenu inattendu" not in str(error.value)
    assert not Trial.objects.exists()


def test_cli_import_and_export(tmp_path, capsys):
    call_command("trials", "import-ctml", str(DEMO))
    call_command("trials", "export-ctml", "NCT09900002")
    assert "hugo_symbol: NTRK3" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(CommandError, match=r"Pas du JSON|Not JSON"):
        call_command("trials", "import-ctgov", str(bad))


def _ctml_arm(*clinical_or_genomic):
    return {"nct_id": "NCT09990001", "long_title": "Histology trial",
            "treatment_list": {"step": [{"arm": [{"arm_code": "A", "match": [
                {"and": list(clinical_or_genomic)}]}]}]}}  # fmt: skip


def _value(tree, diagnosis):
    from oncoparcours.trials.rules.facts import DiagnosisFacts, PatientFacts
    from oncoparcours.trials.rules.tree import compile_tree

    icd10, morphology = diagnosis
    patient = PatientFacts(age=60, sex="F", diagnoses=(DiagnosisFacts(icd10, "", morphology),))
    return compile_tree(tree)(patient, None)


@pytest.mark.parametrize(
    ("name", "diagnosis", "expected"),
    [
        ("Lung Adenocarcinoma", ("C34.1", "8140/3"), "met"),
        ("Lung Adenocarcinoma", ("C34.1", "8070/3"), "not met"),  # squamous: not met
        ("Lung Adenocarcinoma", ("C34.1", ""), "to verify"),  # histology not recorded
        ("Non-Small Cell Lung Cancer", ("C34.1", "8070/3"), "met"),
        ("Non-Small Cell Lung Cancer", ("C34.1", "8041/3"), "not met"),  # small-cell
        ("Non-Small Cell Lung Cancer", ("C34.1", "8046/3"), "met"),  # NSCLC NOS
        ("Non-Small Cell Lung Cancer", ("C34.1", "8240/3"), "not met"),  # carcinoid
        ("Lung Adenocarcinoma", ("C34.1", "8246/3"), "not met"),  # neuroendocrine carcinoma
        ("Pancreatic Adenocarcinoma", ("C25.0", "8150/3"), "not met"),  # pancreatic NET
        ("Pancreatic Adenocarcinoma", ("C25.0", "8453/3"), "met"),  # invasive IPMN
        ("Acute Myeloid Leukemia", ("C93.0", "9891/3"), "met"),
        ("Glioma", ("C71.6", "9470/3"), "not met"),  # medulloblastoma
        ("Glioma", ("C72.0", "9440/3"), "met"),  # spinal glioblastoma
        ("Endometrial Carcinoma", ("C54.1", "8890/3"), "not met"),  # leiomyosarcoma
        ("Pancreatic Adenocarcinoma", ("C25.0", "8500/3"), "met"),  # ductal adenocarcinoma
        ("!Lung Adenocarcinoma", ("C34.1", "8070/3"), "met"),
        ("!Lung Adenocarcinoma", ("C34.1", "8140/3"), "not met"),
    ],
)
def test_ctml_histology_names_keep_their_histology(name, diagnosis, expected):
    """Found side by side with MatchMiner (bench/matchminer_compare.py): an OncoTree histology
    imported as its ICD-10 site alone made a lung squamous-cell carcinoma 'met' for a lung
    adenocarcinoma trial."""
    node = {"clinical": {"oncotree_primary_diagnosis": name}}
    trial = ctml.parse_ctml(_ctml_arm(node), retrieved="2026-12-03")
    tree = trial.arms[0].tree["tree"]
    assert document_problems(trial.arms[0].tree) == []
    assert {0: "not met", 1: "to verify", 2: "met"}[_value(tree, diagnosis)] == expected
    exported = ctml.tree_to_ctml(tree)
    assert exported == {"clinical": {"oncotree_primary_diagnosis": name}}


def test_ctml_tmb_is_read_and_written_as_a_clinical_field():
    """MatchMiner's own configuration reads tmb_numerical among the clinical fields."""
    node = {"clinical": {"oncotree_primary_diagnosis": "_SOLID_", "tmb_numerical": ">=10"}}
    trial = ctml.parse_ctml(_ctml_arm(node), retrieved="2026-12-03")
    tree = strip_meta(trial.arms[0].tree["tree"])
    assert {"criterion": "tmb", "min": 10} in tree["and"]
    assert {"clinical": {"tmb_numerical": ">=10"}} in ctml.tree_to_ctml(tree)["and"]


def test_ctml_wildtype_as_text_status_and_strict_ages():
    """Clinical review: 'wildtype: "True"' was dropped (the arm then wanted the gene altered); a
    file without a status was taken as recruiting; '> 18' excluded 18-year-olds."""
    node = {"genomic": {"hugo_symbol": "KRAS", "wildtype": "True"}}
    with pytest.raises(ctml.RecordError, match="wildtype : 'True' n'est ni true ni false"):
        ctml.parse_ctml(_ctml_arm(node), retrieved="2026-12-03")
    document = _ctml_arm({"clinical": {"age_numerical": ">18"}})
    trial = ctml.parse_ctml(document, retrieved="2026-12-03")
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"  # no status: not open
    assert strip_meta(trial.arms[0].tree["tree"]) == {"criterion": "age", "min": 18}
    document["_summary"] = {"status": [{"value": "Open to Accrual "}]}
    assert ctml.parse_ctml(document, retrieved="2026-12-03").overall_status == "RECRUITING"


def test_each_imported_criterion_keeps_its_own_ctml_fragment():
    """The whole arm YAML was the source text of every criterion: now the criterion's own."""
    trials = services.trials_import_ctml(actor=None, content=DEMO.read_text())
    arm = next(a for t in trials for a in t.arms.all() if a.code == "NTRK-FUSION")
    texts = []

    def walk(node):
        for key in ("and", "or"):
            for child in node.get(key, ()):
                walk(child)
        if "not" in node:
            walk(node["not"])
        if "criterion" in node:
            texts.append((node.get("gene") or node["criterion"], node["text"]))

    walk(arm.tree["tree"])
    by_gene = dict(texts)
    assert (
        by_gene["NTRK1"]
        == "genomic:\n  hugo_symbol: NTRK1\n  variant_category: Structural Variation"
    )
    assert all("NTRK2" not in text for gene, text in texts if gene != "NTRK2")
    assert all(len(text) < 200 for _gene, text in texts)


def test_cli_binary_file_gives_a_french_error_not_a_traceback(tmp_path):
    from django.utils import translation

    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe\x00\x89PNG")
    with translation.override("fr"), pytest.raises(CommandError, match="pas du texte en UTF-8"):
        call_command("trials", "import-ctgov", str(path))
    assert not Trial.objects.exists()


def test_cli_messages_are_in_french(tmp_path, capsys):
    with pytest.raises(CommandError) as error:
        call_command("trials", "export-ctml", "NCT00000000")
    assert str(error.value) == "Aucun essai de numéro NCT 'NCT00000000' dans le registre."
    with pytest.raises(CommandError) as error:
        call_command("trials", "import-ctml", str(tmp_path / "absent.yaml"))
    assert str(error.value) == f"Pas de fichier {str(tmp_path / 'absent.yaml')!r}."
    call_command("trials", "import-ctml", str(DEMO))
    out = capsys.readouterr().out
    assert "NCT09900002 : 1 bras, 0 site(s) français — " in out
    services.trials_import_ctgov(actor=None, content=json.dumps(sample_study()))
    with pytest.raises(CommandError, match=r"Export CTML impossible : bras .*à structurer"):
        call_command("trials", "export-ctml", "NCT02513394")


def test_a_ctml_document_is_refused_with_all_its_problems_in_french():
    """Every problem of a refused CTML document is reported at once (not only the first), in
    French, each with its path; nothing is imported (all or nothing)."""
    document = _ctml_arm(
        {"clinical": {"oncotree_primary_diagnosis": "Chordoma", "age_numerical": "adult"}},
        {"genomic": {"hugo_symbol": "KRAS", "wildtype": "True", "exon": "two"}},
    )
    del document["long_title"]
    document["treatment_list"]["step"][0]["arm"].append({"arm_code": "B", "dose_level": [1]})
    good = DEMO.read_text().split("---")[0]
    with pytest.raises(ApplicationError) as error:
        services.trials_import_ctml(actor=None, content=good + "\n---\n" + yaml.safe_dump(document))
    text = str(error.value)
    assert text.startswith("Rien n'a été importé."), text
    path = "treatment_list.step.0.arm.0.match.0.and"
    for expected in (
        "document 2 (NCT09990001) : ni long_title ni short_title",
        f"{path}.0.clinical.oncotree_primary_diagnosis : diagnostic OncoTree 'Chordoma'",
        f"{path}.0.clinical.age_numerical : 'adult' n'est pas une comparaison",
        f"{path}.1.genomic.wildtype : 'True' n'est ni true ni false",
        f"{path}.1.genomic.exon : 'two' n'est pas un nombre entier",
        "treatment_list.step.0.arm.1.dose_level : niveaux de dose non pris en charge",
        "treatment_list.step.0.arm.1 : bras sans arbre match",
    ):
        assert expected in text, expected
    assert not Trial.objects.exists()


def test_a_clinicaltrials_gov_record_is_refused_in_french_with_all_its_problems():
    study = sample_study()
    protocol = study["protocolSection"]
    protocol["identificationModule"]["nctId"] = "NCT123"
    protocol["statusModule"]["overallStatus"] = "OPEN"
    protocol["eligibilityModule"]["sex"] = "BOTH"
    with pytest.raises(ApplicationError) as error:
        services.trials_import_ctgov(actor=None, content=json.dumps([sample_study(), study]))
    text = str(error.value)
    assert "enregistrement 2 (NCT123) : nctId : 'NCT123' n'est pas NCT suivi de 8 chiffres" in text
    assert "overallStatus : 'OPEN' inconnu" in text
    assert "sexe : 'BOTH' n'est pas ALL, FEMALE ou MALE" in text
    assert not Trial.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(identificationModule=["NCT02513394"]),
         "identificationModule : une table de champs est attendue"),
        (lambda p: p["statusModule"].update(overallStatus=["RECRUITING"]),
         "overallStatus : ['RECRUITING'] inconnu"),
        (lambda p: p.update(contactsLocationsModule={"locations": "Villejuif"}),
         "contactsLocationsModule.locations : une liste de tables est attendue"),
        (lambda p: p.update(contactsLocationsModule={"locations": [
            {"facility": "IGR", "country": "France", "status": "RECRUITING",
             "geoPoint": {"lat": "48,79", "lon": 2.36}}]}),
         "site IGR: geoPoint.lat : '48,79' n'est pas un nombre"),
        (lambda p: p["identificationModule"].update(secondaryIdInfos="2015-001234-56"),
         "identificationModule.secondaryIdInfos : une liste de tables est attendue"),
    ],
)  # fmt: skip
def test_a_clinicaltrials_gov_part_of_the_wrong_shape_is_named_in_french(change, message):
    """These gave a Python error text ("contenu inattendu (AttributeError(...))") or a database
    error at saving (a latitude written as text)."""
    study = sample_study()
    change(study["protocolSection"])
    with pytest.raises(ApplicationError) as error:
        services.trials_import_ctgov(actor=None, content=json.dumps(study))
    assert str(error.value).startswith("Rien n'a été importé. enregistrement 1 ")
    assert message in str(error.value)
    assert "contenu inattendu" not in str(error.value)
    assert not Trial.objects.exists()
