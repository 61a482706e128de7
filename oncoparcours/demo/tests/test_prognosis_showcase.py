import pytest

from oncoparcours.demo.generator import Generator
from oncoparcours.patients.models import Diagnosis, Patient
from oncoparcours.patients.selectors import network_suggestions, patients_for_user

pytestmark = pytest.mark.django_db


def test_demo_shows_each_prognosis_case_to_its_clinician(django_user_model):
    Generator(seed=5, patients=100).run()
    assert Patient.objects.filter(diagnoses__isnull=False).distinct().count() == 100
    shown = {
        d.note.removeprefix("Démo pronostic : "): d
        for d in Diagnosis.objects.filter(note__startswith="Démo pronostic").select_related(
            "patient"
        )
    }
    expected = {
        "sein triple négatif métastatique": ("poor", "breast-tnbc-metastatic", "FEM-NET"),
        "sein RH+ localisé": ("not_poor", "breast", None),
        "sein RH+ métastatique": ("poor", "breast-metastatic", "FEM-NET"),
        "sein en attente du bilan d'extension": ("to_check", "breast", "FEM-NET"),
        "ovaire séreux de haut grade FIGO IIIC": ("poor", "ovary-hgsc-figo-3-4", "FEM-NET"),
        "ovaire séreux de haut grade FIGO IIA": ("not_poor", "ovary", None),
        "pancréas stade IA": ("poor", "pancreas", None),
        "adénocarcinome bronchique": ("poor", "lung", "RECAP"),
        "carcinome anaplasique de la thyroïde": ("poor", "thyroid-anaplastic", None),
        "carcinome à petites cellules de la prostate": (
            "poor",
            "prostate-neuroendocrine-carcinoma",
            None,
        ),
        "carcinosarcome de l'utérus FIGO IIIA": (
            "poor",
            "uterine-carcinosarcoma-figo-3-4",
            "FEM-NET",
        ),
        "sein métaplasique localisé (histologie inhabituelle)": ("to_check", "breast", "FEM-NET"),
        "tumeur neuroendocrine du pancréas localisée": ("not_poor", "pancreas-net", None),
        "glioblastome": ("poor", "glioblastoma", "GLIOREC"),
        "oligodendrogliome": ("not_poor", "oligodendroglioma", None),
        "astrocytome diffus": ("poor", "diffuse-astrocytoma-40plus", "GLIOREC"),
        "tumeur cérébrale en attente d'histologie": ("to_check", "cns", "GLIOREC"),
    }
    found = {}
    for case, diagnosis in shown.items():
        suggestions = network_suggestions(diagnosis.patient, [diagnosis], include_to_check=True)
        found[case] = (
            diagnosis.prognosis_status,
            diagnosis.survival_entry,
            suggestions[0].network.code if suggestions else None,
        )
    assert found == expected
    metaplastic = shown["sein métaplasique localisé (histologie inhabituelle)"]
    assert (metaplastic.five_year_survival, metaplastic.prognosis_missing) == (None, ["histology"])
    oncologist = django_user_model.objects.get(username="oncologue")
    assert patients_for_user(oncologist).filter(pk=shown["glioblastome"].patient_id).count() == 0
    assert patients_for_user(oncologist).filter(pk=shown["pancréas stade IA"].patient_id).exists()
