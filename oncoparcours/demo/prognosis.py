"""Demo patients showing the poor-prognosis reasoning, one per case of the survival table and of
the network referral: entered through the patient services by the demo clinicians, as a care team
would (diagnosis, then staging and biomarkers, each recomputing the flag).

- ``oncologue`` (Centre Léon Bérard, FEM-NET pilot): triple-negative metastatic breast (flagged,
  FEM-NET proposed), HR+ early breast (not flagged, with what would change it), HR+ metastatic
  breast (flagged), breast not staged yet (to check), high-grade serous ovarian FIGO IIIC
  (flagged) and IIA (not flagged), pancreas stage IA (flagged, no network), lung adenocarcinoma
  (flagged, RECAP proposed); poor histologies at sites of good prognosis: anaplastic thyroid
  carcinoma, small-cell prostate carcinoma (flagged, no network), uterine carcinosarcoma FIGO IIIA
  (flagged, FEM-NET proposed); a localised metaplastic breast carcinoma (a histology the breast
  figure was not measured for: to check, FEM-NET to check); a localised pancreatic
  neuroendocrine tumour (not flagged);
- ``neuro-oncologue`` (Pitié-Salpêtrière, GLIOREC pilot): glioblastoma (flagged, GLIOREC
  proposed), oligodendroglioma at 38 (not flagged), diffuse astrocytoma at 62 (flagged), brain
  tumour awaiting histology (to check)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from oncoparcours.patients import services

if TYPE_CHECKING:
    from .generator import Generator


@dataclass(frozen=True)
class Case:
    login: str
    last_name: str
    first_name: str
    sex: str
    age: int
    icd10: str
    morphology: str
    note: str
    staging: tuple[str, str, str, str, str] | None = None  # kind, T, N, M, stage group
    markers: tuple[tuple[str, str], ...] = ()


TNBC = (("RE", "negative"), ("RP", "negative"), ("HER2", "negative"))
HR_POSITIVE = (("RE", "positive"), ("RP", "positive"), ("HER2", "negative"))

# fmt: off
CASES = (
    Case("oncologue", "Garnier", "Claire", "F", 48, "C50.4", "8500/3",
         "Démo pronostic : sein triple négatif métastatique",
         ("clinical", "T2", "N1", "M1", "IV"), TNBC),
    Case("oncologue", "Bertin", "Monique", "F", 61, "C50.2", "8500/3",
         "Démo pronostic : sein RH+ localisé",
         ("pathological", "T1c", "N0", "M0", "IA"), HR_POSITIVE),
    Case("oncologue", "Renaud", "Josiane", "F", 66, "C50.9", "8520/3",
         "Démo pronostic : sein RH+ métastatique",
         ("clinical", "T3", "N2", "M1", "IV"), HR_POSITIVE),
    Case("oncologue", "Lacombe", "Nadia", "F", 55, "C50.8", "8500/3",
         "Démo pronostic : sein en attente du bilan d'extension",
         None, (("RE", "positive"),)),
    Case("oncologue", "Fabre", "Odile", "F", 63, "C56", "8461/3",
         "Démo pronostic : ovaire séreux de haut grade FIGO IIIC",
         ("pathological", "T3c", "N1", "M0", "IIIC")),
    Case("oncologue", "Perrin", "Sylvie", "F", 58, "C56", "8461/3",
         "Démo pronostic : ovaire séreux de haut grade FIGO IIA",
         ("pathological", "T2a", "N0", "M0", "IIA")),
    Case("oncologue", "Chauvet", "Bernard", "M", 70, "C25.0", "8500/3",
         "Démo pronostic : pancréas stade IA",
         ("pathological", "T1b", "N0", "M0", "IA")),
    Case("oncologue", "Marchal", "Gérard", "M", 64, "C34.1", "8140/3",
         "Démo pronostic : adénocarcinome bronchique",
         ("clinical", "T2a", "N2", "M0", "IIIA")),
    Case("oncologue", "Lemaire", "Françoise", "F", 71, "C73", "8020/3",
         "Démo pronostic : carcinome anaplasique de la thyroïde",
         ("clinical", "T4a", "N1b", "M0", "IVB")),
    Case("oncologue", "Arnaud", "Jacques", "M", 73, "C61", "8041/3",
         "Démo pronostic : carcinome à petites cellules de la prostate",
         ("clinical", "T3a", "N1", "M1b", "IVB")),
    Case("oncologue", "Giraud", "Hélène", "F", 69, "C54.1", "8980/3",
         "Démo pronostic : carcinosarcome de l'utérus FIGO IIIA",
         ("pathological", "T3a", "N0", "M0", "IIIA")),
    Case("oncologue", "Vidal", "Martine", "F", 57, "C50.4", "8575/3",
         "Démo pronostic : sein métaplasique localisé (histologie inhabituelle)",
         ("pathological", "T2", "N0", "M0", "IIA")),
    Case("oncologue", "Roussel", "Denis", "M", 54, "C25.0", "8240/3",
         "Démo pronostic : tumeur neuroendocrine du pancréas localisée",
         ("pathological", "T2", "N0", "M0", "I")),
    Case("neuro-oncologue", "Tessier", "Alain", "M", 59, "C71.1", "9440/3",
         "Démo pronostic : glioblastome"),
    Case("neuro-oncologue", "Royer", "Élodie", "F", 38, "C71.0", "9450/3",
         "Démo pronostic : oligodendrogliome"),
    Case("neuro-oncologue", "Collin", "Patrick", "M", 62, "C71.2", "9400/3",
         "Démo pronostic : astrocytome diffus"),
    Case("neuro-oncologue", "Benard", "Lucie", "F", 52, "C71.9", "",
         "Démo pronostic : tumeur cérébrale en attente d'histologie"),
)
# fmt: on

IHC_VALUES = {
    ("RE", "negative"): "0 %", ("RE", "positive"): "80 %", ("RP", "negative"): "0 %",
    ("RP", "positive"): "60 %", ("HER2", "negative"): "IHC 1+", ("HER2", "positive"): "IHC 3+",
    ("ER", "negative"): "0 %", ("ER", "positive"): "80 %", ("PR", "negative"): "0 %",
    ("PR", "positive"): "60 %",
}  # fmt: skip
PLACES = {  # login -> expert centre key, département, latitude, longitude
    "oncologue": ("clb", "69", 45.76, 4.86),
    "neuro-oncologue": ("pitie", "75", 48.84, 2.36),
}


class PrognosisShowcase:
    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.today = generator.today
        self.users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in={c.login for c in CASES})
        }

    def run(self) -> None:
        for index, case in enumerate(CASES):
            if case.login in self.users:
                self._case(index, case)

    def _case(self, index: int, case: Case) -> None:
        actor = self.users[case.login]
        centre, dept, lat, lon = PLACES[case.login]
        diagnosed_on = self.today - dt.timedelta(days=40 + 9 * index)
        birth = diagnosed_on - dt.timedelta(days=case.age * 365 + 100)
        patient = services.patient_create(
            actor=actor,
            data={
                "ins": self.generator.ins(case.sex, birth, dept),
                "birth_last_name": case.last_name,
                "first_names": case.first_name,
                "birth_date": birth,
                "sex": case.sex,
                "departement": dept,
                "latitude": lat + 0.05 * (index % 3),
                "longitude": lon - 0.05 * (index % 2),
                "expert_centre": self.generator.region.orgs[centre],
            },
            # A random demo patient may share these names and birth date (about one seed in
            # two hundred): a different, fictitious person, confirmed as a user would.
            homonym_confirmed=True,
        )
        diagnosis = services.diagnosis_add(
            actor=actor,
            patient=patient,
            icd10=case.icd10,
            icdo3_morphology=case.morphology,
            diagnosed_on=diagnosed_on,
            laterality="left" if case.icd10[:3] in {"C50", "C56", "C34"} else "not_applicable",
            note=case.note,
        )
        if case.staging:
            kind, t, n, m, group = case.staging
            services.staging_add(
                actor=actor,
                diagnosis=diagnosis,
                kind=kind,
                t=t,
                n=n,
                m=m,
                stage_group=group,
                staged_on=diagnosed_on + dt.timedelta(days=7),
            )
        for marker, result in case.markers:
            services.biomarker_add(
                actor=actor,
                diagnosis=diagnosis,
                marker=marker,
                result=result,
                # The simple entry needs an IHC result's value (issue 15): a typical one.
                value=IHC_VALUES.get((marker, result), ""),
                tested_on=diagnosed_on + dt.timedelta(days=10),
            )
