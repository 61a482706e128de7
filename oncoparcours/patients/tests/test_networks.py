"""Referral to an INCa network of excellence: proposed when the diagnosis is in the network's scope
and poor prognosis, "to check" when its prognosis is not determined, not proposed otherwise —
for each network (FEM-NET, GLIOREC, RECAP), with diagnoses flagged by the real services."""

import pytest

from oncoparcours.directory.models import Network, NetworkMembership
from oncoparcours.patients.rules.networks import Proposal, referral_proposal
from oncoparcours.patients.rules.prognosis import Status
from oncoparcours.patients.selectors import network_suggestions
from oncoparcours.testing.factories import OrganisationFactory

from .helpers import record_diagnosis


@pytest.mark.parametrize(
    ("status", "in_scope", "proposal"),
    [
        (Status.POOR, True, Proposal.PROPOSED),
        (Status.TO_CHECK, True, Proposal.TO_CHECK),
        (Status.NOT_IN_TABLE, True, Proposal.TO_CHECK),
        (Status.NOT_POOR, True, None),
        (Status.POOR, False, None),
        (Status.TO_CHECK, False, None),
    ],
)
def test_referral_proposal_rule(status, in_scope, proposal):
    assert referral_proposal(status=status, in_scope=in_scope) == proposal


TNBC = (("RE", "negative"), ("RP", "negative"), ("HER2", "negative"))
HR_POSITIVE = (("RE", "positive"), ("RP", "positive"), ("HER2", "negative"))

CASES = [
    # FEM-NET
    (
        "TNBC metastatic breast",
        "C50.4",
        "",
        ("T2", "N1", "M1", "IV"),
        TNBC,
        "FEM-NET",
        Proposal.PROPOSED,
    ),
    ("HR+ early breast", "C50.4", "8500/3", ("T1c", "N0", "M0", "IA"), HR_POSITIVE, None, None),
    (
        "early breast, histology not recorded",
        "C50.4",
        "",
        ("T1c", "N0", "M0", "IA"),
        HR_POSITIVE,
        "FEM-NET",
        Proposal.TO_CHECK,
    ),
    (
        "uterine carcinosarcoma FIGO IIIA",
        "C54.1",
        "8980/3",
        ("T3a", "N0", "M0", "IIIA"),
        (),
        "FEM-NET",
        Proposal.PROPOSED,
    ),
    (
        "metaplastic breast carcinoma, localised (unusual histology)",
        "C50.4",
        "8575/3",
        ("T1c", "N0", "M0", "IA"),
        (),
        "FEM-NET",
        Proposal.TO_CHECK,
    ),
    ("breast, not staged", "C50.4", "", None, HR_POSITIVE, "FEM-NET", Proposal.TO_CHECK),
    (
        "HGSC FIGO IIIC",
        "C56",
        "8461/3",
        ("T3c", "N0", "M0", "IIIC"),
        (),
        "FEM-NET",
        Proposal.PROPOSED,
    ),
    ("HGSC FIGO II", "C56", "8461/3", ("T2a", "N0", "M0", "IIA"), (), None, None),
    (
        "primary peritoneal HGSC FIGO IIIC",
        "C48.1",
        "8461/3",
        ("T3c", "N0", "M0", "IIIC"),
        (),
        "FEM-NET",
        Proposal.PROPOSED,
    ),
    (
        "vulva (no figure in the table)",
        "C51.9",
        "8070/3",
        ("T2", "N0", "M0", "II"),
        (),
        "FEM-NET",
        Proposal.TO_CHECK,
    ),
    # GLIOREC
    ("glioblastoma", "C71.1", "9440/3", None, (), "GLIOREC", Proposal.PROPOSED),
    ("oligodendroglioma", "C71.1", "9450/3", None, (), None, None),
    ("brain tumour without histology", "C71.9", "", None, (), "GLIOREC", Proposal.TO_CHECK),
    # RECAP
    (
        "lung adenocarcinoma",
        "C34.1",
        "8140/3",
        ("T1b", "N0", "M0", "IA2"),
        (),
        "RECAP",
        Proposal.PROPOSED,
    ),
    ("pleural mesothelioma", "C45.0", "9050/3", None, (), "RECAP", Proposal.PROPOSED),
    (
        "thymic carcinoma (no figure in the table)",
        "C37",
        "8586/3",
        None,
        (),
        "RECAP",
        Proposal.TO_CHECK,
    ),
    # in no network's scope
    ("pancreas (poor, no network)", "C25.0", "8500/3", None, (), None, None),
    ("anaplastic thyroid (poor, no network)", "C73", "8020/3", None, (), None, None),
    ("peritoneal mesothelioma (not pleural)", "C45.1", "9050/3", None, (), None, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "icd10", "morphology", "stage", "markers", "network", "proposal"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_referral_proposed_per_network(
    clinician, patient, case, icd10, morphology, stage, markers, network, proposal
):
    diagnosis = record_diagnosis(clinician.user, patient, icd10, morphology, stage, markers)
    suggestions = network_suggestions(patient, [diagnosis], include_to_check=True)
    assert [(s.network.code, s.proposal) for s in suggestions] == (
        [(network, proposal)] if network else []
    )
    # The referral page (boards) only lists what can be requested: proposed ones.
    requestable = network_suggestions(patient, [diagnosis])
    assert [s.network.code for s in requestable] == (
        [network] if proposal == Proposal.PROPOSED else []
    )


@pytest.mark.django_db
def test_a_proposal_lists_the_nearest_expert_centres(clinician, patient):
    patient.latitude, patient.longitude = 45.75, 4.85  # Lyon
    patient.save()
    fem_net = Network.objects.get(code="FEM-NET")
    far = OrganisationFactory(name="Institut Curie", latitude=48.84, longitude=2.34)
    near = OrganisationFactory(name="Centre Léon Bérard", latitude=45.74, longitude=4.88)
    NetworkMembership.objects.create(network=fem_net, organisation=near, role="pilot")
    NetworkMembership.objects.create(network=fem_net, organisation=far, role="expert")
    diagnosis = record_diagnosis(
        clinician.user, patient, "C50.4", "", ("T2", "N1", "M1", "IV"), TNBC
    )
    [suggestion] = network_suggestions(patient, [diagnosis], include_to_check=True)
    assert [c.membership.organisation.name for c in suggestion.centres] == [
        "Centre Léon Bérard",
        "Institut Curie",
    ]
    assert suggestion.centres[0].distance_km < 5 < suggestion.centres[1].distance_km
