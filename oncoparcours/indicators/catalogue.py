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
# Indicator pages and downloads serve the evaluation and steering of care (the Article 51
# evaluation included): a patient objecting to it is left out of all of them.
INDICATORS_PURPOSE = "evaluation"
ARTICLE51_COSTS = Path(__file__).parent / "data" / "article51_costs.yaml"


@cache
def parameters() -> dict[str, Any]:
    with PARAMETERS.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def article51_costs() -> dict[str, Any]:
    """The Article 51 cost terms (flat rates, day-hospital stay, transport) with their sources."""
    with ARTICLE51_COSTS.open(encoding="utf-8") as handle:
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
    # The purpose its pages and downloads serve: patients objecting to it are left out.
    purpose: str = INDICATORS_PURPOSE


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


def _from_article(noun: str) -> str:
    """ "de" before a noun with its article: "du diagnostic", "de la suspicion"."""
    if noun.startswith("le "):
        return "du " + noun[3:]
    if noun.startswith("les "):
        return "des " + noun[4:]
    return "de " + noun


def _to_article(noun: str) -> str:
    """ "à" before a noun with its article: "au premier traitement", "à la décision"."""
    if noun.startswith("le "):
        return "au " + noun[3:]
    if noun.startswith("les "):
        return "aux " + noun[4:]
    return "à " + noun


def _delay(
    id: str, title: Text, start: Text, end: Text, source: Text, target_key: str
) -> Indicator:
    target_days = parameters()["delays"][target_key]
    return Indicator(
        id=id,
        theme="delays",
        title=title,
        numerator=T(
            f"jours {_from_article(start.fr)} {_to_article(end.fr)}",
            f"days from {start.en} to {end.en}",
        ),
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
            "patients traités à proximité selon leur décision en vigueur : pour une RCP ultramarine (interrégionale organisée avec un centre d'outre-mer : départements et régions 971 à 976, collectivités 975, 977, 978), non transférés en métropole pour le traitement — un transfert d'un territoire ultramarin à un autre (Guadeloupe → Martinique) compte à proximité ; pour les autres RCP, lieu de soins « proximité »",
            "patients treated near home per their decision in force: for an overseas board (inter-regional, organised with an overseas centre: départements and regions 971 to 976, collectivities 975, 977, 978), not transferred to mainland France for treatment — a transfer from one overseas territory to another (Guadeloupe → Martinique) counts as near home; for other boards, place of care 'near home'",
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
            "Unité : le patient, compté une fois par RCP selon la dernière décision de cette RCP (dernière version) — la même unité que la page de statistiques de la RCP. RCP ultramarine : une décision de transfert ou de prise en charge en centre expert compte à proximité seulement si l'établissement désigné est outre-mer ; un établissement en métropole ou non désigné ne compte pas (lecture prudente). Comparaison entre établissements par un funnel plot (limites à 95 % et 99,8 % autour de la part globale).",
            "Unit: the patient, counted once per board by that board's latest decision (latest version) — the same unit as the board's statistics page. Overseas board: a transfer or an expert-centre decision counts as near home only when the organisation named is overseas; an organisation in mainland France or not named does not (safer reading). Centres compared on a funnel plot (95 % and 99.8 % limits around the overall share).",
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
            "patients inclus (par période d'au moins 5 inclusions, cumul)",
            "patients included (per period of at least 5 inclusions, cumulative)",
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
            "Article 51 — coût par séquence : forfaits et hôpital de jour évité",
            "Article 51 — cost per sequence: flat rates vs day hospital avoided",
        ),
        numerator=T(
            "forfaits facturés par séquence (séquences partielles au prorata) ; séjours d'hôpital de jour remplacés par les administrations à domicile × (tarif du séjour + transport aller-retour)",
            "flat rates charged per sequence (partial sequences pro rata); day-hospital stays replaced by home administrations × (stay amount + transport round trip)",
        ),
        denominator=T(
            "patients inclus (ligne « par patient inclus »)",
            "patients included (the 'per included patient' row)",
        ),
        unit=T("€", "€"),
        source=T(
            "Séquences des parcours immunothérapie à domicile (début, fin, achevée ou non) ; administrations réalisées à domicile ; montants du barème de l’évaluation article 51 (forfaits, GHM 28Z07Z, transport) avec leur source et leur année.",
            "Sequences of home immunotherapy pathways (start, end, completed or not); administrations done at home; amounts of the Article 51 cost terms (flat rates, GHM 28Z07Z, transport) with their source and year.",
        ),
        stratifications=("sequence",),
        filters=("period", "organisation"),
        methods=T(
            "Une séquence achevée est facturée en entier ; une séquence en cours ou interrompue au prorata des jours couverts (jours / (mois × 30,4375), au plus un forfait). Une administration réalisée à domicile remplace un séjour d'hôpital de jour et son transport ; les administrations en hôpital de jour (séquence 1) ne remplacent rien. Les médicaments (liste en sus) sont identiques dans les deux cas et ne sont pas comptés. Montants approximatifs, à vérifier avant usage. La période porte sur l'inclusion.",
            "A completed sequence is charged in full; one in progress or interrupted pro rata of the days covered (days / (months × 30.4375), at most one flat rate). One home administration replaces one day-hospital stay and its transport; day-hospital administrations (sequence 1) replace nothing. Drugs (billed on top) are the same either way and are not counted. Approximate amounts, to check before use. The period applies to inclusion.",
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
