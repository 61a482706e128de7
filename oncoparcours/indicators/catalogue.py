"""The indicator catalogue: each indicator defined once, with its definition, data source,
stratifications, filters, target and a methods note, in French and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

PARAMETERS = Path(__file__).parent / "data" / "parameters.yaml"


@cache
def parameters() -> dict[str, Any]:
    with PARAMETERS.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    title: Text
    numerator: Text
    denominator: Text
    unit: Text
    source: Text
    stratifications: tuple[str, ...]
    filters: tuple[str, ...]
    methods: Text
    target: Text | None = None
    chart: str = "bar"  # bar | line | funnel
    extra: dict[str, Any] = field(default_factory=dict)


THEMES = {
    "delays": Text("Délais", "Delays"),
    "rcp": Text("Concertation et proximité", "Tumour boards and near-home care"),
    "alerts": Text("Suivi à domicile et alertes", "Home follow-up and alerts"),
    "article51": Text("Évaluation Article 51", "Article 51 evaluation"),
    "car_t": Text("Thérapie cellulaire", "Cell therapy"),
}
FILTER_LABELS = {
    "period": Text("période", "period"),
    "organisation": Text("établissement", "organisation"),
    "network": Text("réseau", "network"),
    "board": Text("RCP", "board"),
    "template": Text("parcours", "pathway"),
}
STRATA = {
    "organisation": Text("établissement", "organisation"),
    "board": Text("RCP", "board"),
    "level": Text("niveau d'alerte", "alert level"),
    "status": Text("statut", "status"),
    "week": Text("semaine", "week"),
    "manufacturer": Text("fabricant", "manufacturer"),
    "template": Text("parcours", "pathway"),
    "sequence": Text("séquence", "sequence"),
    "reason": Text("motif", "reason"),
    "kind": Text("type", "kind"),
}

T = Text
DELAY_METHODS = T(
    "Par patient, du premier événement de départ au premier événement d'arrivée qui le suit ; "
    "médiane et 90e centile (interpolation linéaire), part dans la cible. Les patients sans "
    "événement d'arrivée sont comptés à part (délais censurés, « en attente ») ; un événement "
    "d'arrivée antérieur au départ exclut le patient du délai. La période porte sur l'événement "
    "d'arrivée.",
    "Per patient, from the first start event to the first end event after it; median and 90th "
    "percentile (linear interpolation), share within target. Patients without an end event are "
    "counted apart (censored, 'waiting'); an end event before the start excludes the patient "
    "from the delay. The period applies to the end event.",
)


def _delay(
    id: str, title: Text, start: Text, end: Text, source: Text, target_key: str
) -> Indicator:
    target_days = parameters()["delays"][target_key]
    return Indicator(
        id=id,
        theme="delays",
        title=title,
        numerator=T(f"jours de {start.fr} à {end.fr}", f"days from {start.en} to {end.en}"),
        denominator=T(
            f"patients ayant {start.fr} puis {end.fr}", f"patients with {start.en} then {end.en}"
        ),
        unit=T("jours", "days"),
        source=source,
        stratifications=("organisation",),
        filters=("period", "organisation"),
        methods=DELAY_METHODS,
        target=T(f"≤ {target_days} jours", f"≤ {target_days} days"),
        extra={"target_days": target_days},
    )


CATALOGUE: tuple[Indicator, ...] = (
    _delay(
        "delay_suspicion_diagnosis",
        T("Délai suspicion → diagnostic", "Delay suspicion → diagnosis"),
        T("la suspicion", "suspicion"),
        T("le diagnostic", "diagnosis"),
        T(
            "Parcours de diagnostic rapide : début (suspicion) → résultat anatomopathologique réalisé (diagnostic confirmé).",
            "Fast-track diagnosis pathways: start (suspicion) → pathology result done (diagnosis confirmed).",
        ),
        "suspicion_to_diagnosis_days",
    ),
    _delay(
        "delay_diagnosis_rcp",
        T("Délai diagnostic → RCP", "Delay diagnosis → tumour board"),
        T("le diagnostic", "diagnosis"),
        T("la décision de RCP", "the board decision"),
        T(
            "Diagnostics du dossier ; décisions de RCP validées.",
            "Record diagnoses; validated decisions.",
        ),
        "diagnosis_to_rcp_days",
    ),
    _delay(
        "delay_rcp_treatment",
        T("Délai RCP → premier traitement", "Delay tumour board → first treatment"),
        T("la décision de RCP", "the board decision"),
        T("le premier traitement", "first treatment"),
        T(
            "Décisions de RCP ; premier traitement réalisé (administration ou geste) des parcours.",
            "Board decisions; first treatment done (administration or procedure) in pathways.",
        ),
        "rcp_to_treatment_days",
    ),
    Indicator(
        id="rcp_before_treatment",
        theme="rcp",
        title=T(
            "Dossiers discutés en RCP avant le premier traitement",
            "Cases discussed before first treatment",
        ),
        numerator=T(
            "patients dont une décision de RCP précède ou égale le premier traitement",
            "patients with a board decision on or before the first treatment",
        ),
        denominator=T(
            "patients ayant reçu un premier traitement dans la période",
            "patients with a first treatment in the period",
        ),
        unit=T("%", "%"),
        source=T(
            "Décisions de RCP ; premier traitement réalisé des parcours.",
            "Board decisions; first treatment done in pathways.",
        ),
        stratifications=("organisation",),
        filters=("period", "organisation"),
        methods=T(
            "Comparaison au jour près. Les patients traités sans aucune RCP sont comptés dans le dénominateur et affichés à part.",
            "Compared by day. Patients treated without any board decision count in the denominator and are shown apart.",
        ),
        target=T("100 % (obligation réglementaire)", "100 % (regulatory requirement)"),
    ),
    Indicator(
        id="near_home_share",
        theme="rcp",
        title=T("Part des patients traités à proximité", "Share of patients treated near home"),
        numerator=T(
            "patients dont la décision en vigueur fixe le lieu de soins « proximité »",
            "patients whose decision in force sets the place of care to 'near home'",
        ),
        denominator=T(
            "patients ayant une décision de RCP dans la période",
            "patients with a board decision in the period",
        ),
        unit=T("%", "%"),
        source=T(
            "Décisions de RCP (lieu de soins), jamais saisi comme un chiffre.",
            "Board decisions (place of care), never typed in as a figure.",
        ),
        stratifications=("board", "organisation"),
        filters=("period", "organisation", "network", "board"),
        methods=T(
            "Dernière version de chaque décision ; un patient compte une fois par strate (sa décision la plus récente). Comparaison entre établissements par un funnel plot (limites à 95 % et 99,8 % autour de la part globale).",
            "Latest version of each decision; a patient counts once per stratum (most recent decision). Centres compared on a funnel plot (95 % and 99.8 % limits around the overall share).",
        ),
        chart="funnel",
    ),
    Indicator(
        id="transfers",
        theme="rcp",
        title=T("Transferts (dont outre-mer → métropole)", "Transfers (incl. overseas → mainland)"),
        numerator=T("décisions fixant un transfert", "decisions setting a transfer"),
        denominator=T("décisions de RCP de la période", "board decisions in the period"),
        unit=T("décisions", "decisions"),
        source=T(
            "Décisions de RCP ; département de résidence du patient.",
            "Board decisions; patient's home département.",
        ),
        stratifications=("board",),
        filters=("period", "organisation", "network", "board"),
        methods=T(
            "Un transfert d'un patient résidant outre-mer (971–976) est compté « outre-mer → métropole ».",
            "A transfer of a patient living overseas (971–976) counts as 'overseas → mainland'.",
        ),
    ),
    Indicator(
        id="referrals",
        theme="rcp",
        title=T(
            "Orientations vers les centres experts des réseaux",
            "Referrals to network expert centres",
        ),
        numerator=T(
            "demandes d'orientation, par statut ; délai de réponse",
            "referral requests by status; time to answer",
        ),
        denominator=T("demandes de la période", "requests in the period"),
        unit=T("demandes ; jours", "requests; days"),
        source=T(
            "Orientations réseau (demandée → acceptée / refusée).",
            "Network referrals (requested → accepted / declined).",
        ),
        stratifications=("status",),
        filters=("period", "organisation", "network"),
        methods=T(
            "Délai de la demande à la réponse, médiane sur les demandes répondues.",
            "Delay from request to answer, median over answered requests.",
        ),
    ),
    Indicator(
        id="alert_rate",
        theme="alerts",
        title=T("Alertes pour 100 patients-semaines", "Alerts per 100 patient-weeks"),
        numerator=T("alertes émises dans la période", "alerts raised in the period"),
        denominator=T(
            "patients-semaines de suivi à domicile (parcours immunothérapie à domicile et CAR-T) dans la période",
            "patient-weeks of home follow-up (home immunotherapy and CAR-T pathways) in the period",
        ),
        unit=T("pour 100 patients-semaines", "per 100 patient-weeks"),
        source=T(
            "Alertes du suivi à domicile ; périodes des parcours.",
            "Home follow-up alerts; pathway periods.",
        ),
        stratifications=("level",),
        filters=("period", "organisation"),
        methods=T(
            "Exposition : jours de chaque parcours compris dans la période / 7. Sans période : du premier événement à la date du calcul.",
            "Exposure: days of each pathway inside the period / 7. Without a period: from the first event to the computation date.",
        ),
    ),
    Indicator(
        id="alert_handling",
        theme="alerts",
        title=T("Prise en charge des alertes", "Alert handling"),
        numerator=T(
            "délai jusqu'à la prise en charge ; alertes prises en charge avant l'échéance ; escalades",
            "time to acknowledgement; alerts acknowledged before the deadline; escalations",
        ),
        denominator=T("alertes de la période", "alerts in the period"),
        unit=T(
            "minutes ; % ; escalades pour 100 alertes", "minutes; %; escalations per 100 alerts"
        ),
        source=T(
            "Alertes et leur historique (prise en charge, escalades).",
            "Alerts and their history (acknowledgement, escalations).",
        ),
        stratifications=("level",),
        filters=("period", "organisation"),
        methods=T(
            "Médiane et 90e centile sur les alertes prises en charge ; part dans l'échéance sur les alertes ayant une échéance.",
            "Median and 90th percentile over acknowledged alerts; share within deadline over alerts with a deadline.",
        ),
    ),
    Indicator(
        id="emergencies",
        theme="alerts",
        title=T(
            "Passages aux urgences et hospitalisations non programmées (parcours à domicile)",
            "Emergency visits and unplanned admissions (home pathways)",
        ),
        numerator=T(
            "alertes closes par une orientation aux urgences ou une admission",
            "alerts closed by an emergency referral or an admission",
        ),
        denominator=T("patients-semaines de suivi à domicile", "patient-weeks of home follow-up"),
        unit=T("pour 100 patients-semaines", "per 100 patient-weeks"),
        source=T("Clôture des alertes (action menée).", "Alert resolution (action taken)."),
        stratifications=("kind",),
        filters=("period", "organisation"),
        methods=T(
            "Seuls les événements connus de la plateforme (clôture d'alerte) sont comptés : c'est une borne basse.",
            "Only events known to the platform (alert resolution) are counted: a lower bound.",
        ),
    ),
    Indicator(
        id="day_hospital_places",
        theme="article51",
        title=T(
            "Places d'hôpital de jour libérées par les administrations à domicile",
            "Day-hospital places freed by home administrations",
        ),
        numerator=T("administrations réalisées à domicile", "administrations done at home"),
        denominator=T("jours ouvrés de la période", "working days in the period"),
        unit=T("places par jour ouvré", "places per working day"),
        source=T(
            "Activités « administration » réalisées, lieu domicile.",
            "Done administration activities, place home.",
        ),
        stratifications=("template",),
        filters=("period", "organisation", "template"),
        methods=T(
            "Une administration à domicile libère une place d'hôpital de jour pour la journée.",
            "One home administration frees one day-hospital place for the day.",
        ),
    ),
    Indicator(
        id="a51_inclusions",
        theme="article51",
        title=T("Article 51 — inclusions et objectif", "Article 51 — inclusions against target"),
        numerator=T(
            "patients inclus (par semaine, cumul)", "patients included (weekly, cumulative)"
        ),
        denominator=T(
            "objectif : 375 patients en 5 ans, au prorata",
            "target: 375 patients over 5 years, pro rata",
        ),
        unit=T("patients", "patients"),
        source=T(
            "Parcours immunothérapie à domicile appliqués (date de début).",
            "Home immunotherapy pathways applied (start date).",
        ),
        stratifications=("week",),
        filters=("period", "organisation"),
        methods=T(
            "Objectif cumulé linéaire depuis la première inclusion : 375 × semaines écoulées / 260,9.",
            "Linear cumulative target from the first inclusion: 375 × weeks elapsed / 260.9.",
        ),
        target=T("375 patients en 5 ans", "375 patients over 5 years"),
        chart="line",
    ),
    Indicator(
        id="a51_refusals",
        theme="article51",
        title=T("Article 51 — refus", "Article 51 — refusals"),
        numerator=T("refus enregistrés", "refusals recorded"),
        denominator=T(
            "patients proposés (inclus + refus)", "patients offered (included + refused)"
        ),
        unit=T("%", "%"),
        source=T(
            "Refus de parcours enregistrés ; inclusions.", "Pathway refusals recorded; inclusions."
        ),
        stratifications=("reason",),
        filters=("period", "organisation"),
        methods=T(
            "Part des refus parmi les propositions de la période.",
            "Share of refusals among offers in the period.",
        ),
    ),
    Indicator(
        id="a51_sequences",
        theme="article51",
        title=T("Article 51 — séquences achevées", "Article 51 — sequences completed"),
        numerator=T(
            "patients ayant achevé chaque séquence", "patients who completed each sequence"
        ),
        denominator=T("patients inclus", "patients included"),
        unit=T("%", "%"),
        source=T(
            "Phases des parcours immunothérapie à domicile.",
            "Phases of home immunotherapy pathways.",
        ),
        stratifications=("sequence",),
        filters=("period", "organisation"),
        methods=T("La période porte sur l'inclusion.", "The period applies to inclusion."),
    ),
    Indicator(
        id="a51_cost",
        theme="article51",
        title=T(
            "Article 51 — coût par patient : forfaits et hôpital de jour",
            "Article 51 — cost per patient: flat rates vs day hospital",
        ),
        numerator=T(
            "somme des forfaits des séquences achevées ; administrations × tarif de séance d'hôpital de jour",
            "sum of the flat rates of completed sequences; administrations × day-hospital session tariff",
        ),
        denominator=T("patients inclus", "patients included"),
        unit=T("€ par patient", "€ per patient"),
        source=T(
            "Forfaits des séquences (modèle de parcours) ; tarif de séance paramétrable (data/parameters.yaml).",
            "Sequence flat rates (pathway template); configurable session tariff (data/parameters.yaml).",
        ),
        stratifications=(),
        filters=("period", "organisation"),
        methods=T(
            "Les montants de démonstration sont indicatifs : paramétrer les forfaits du cahier des charges et le tarif GHS de l'établissement.",
            "Demo amounts are indicative: set the flat rates of the specifications and the establishment's GHS tariff.",
        ),
    ),
    Indicator(
        id="car_t_turnaround",
        theme="car_t",
        title=T("CAR-T — délais par fabricant", "CAR-T — turnaround by manufacturer"),
        numerator=T(
            "jours aphérèse → libération ; veine à veine (aphérèse → perfusion) ; commandes hors spécification",
            "days apheresis → release; vein to vein (apheresis → infusion); out-of-specification orders",
        ),
        denominator=T("commandes prélevées dans la période", "orders collected in the period"),
        unit=T("jours ; %", "days; %"),
        source=T("Registre de traçabilité des commandes CAR-T.", "Custody ledger of CAR-T orders."),
        stratifications=("manufacturer",),
        filters=("period", "organisation"),
        methods=T(
            "Médianes sur les commandes ayant atteint l'étape ; taux de hors-spécification parmi les produits libérés ou rejetés.",
            "Medians over orders that reached the step; out-of-specification rate among released or rejected products.",
        ),
    ),
    Indicator(
        id="trial_proposals",
        theme="rcp",
        title=T(
            "Propositions d'essai clinique en RCP", "Clinical trial proposals at tumour boards"
        ),
        numerator=T("décisions proposant un essai", "decisions proposing a trial"),
        denominator=T("décisions de la période", "decisions in the period"),
        unit=T("%", "%"),
        source=T(
            "Décisions de RCP (essai proposé, identifiant).",
            "Board decisions (trial proposed, identifier).",
        ),
        stratifications=("board",),
        filters=("period", "organisation", "network", "board"),
        methods=T(
            "Une décision avec un essai ou un identifiant d'essai compte comme proposition.",
            "A decision with a trial or a trial identifier counts as a proposal.",
        ),
    ),
)
BY_ID = {indicator.id: indicator for indicator in CATALOGUE}


def get(indicator_id: str) -> Indicator | None:
    return BY_ID.get(indicator_id)
