import datetime as dt

import pytest

from oncoparcours.directory.models import ProfessionalQualification, QualificationType
from oncoparcours.pathways import services
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
)


@pytest.fixture
def template(db):
    return PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)


@pytest.fixture
def centres(db, patient):
    patient.expert_centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    patient.proximity_centre = OrganisationFactory(name="CH de Vienne", kind="ch", departement="38")
    patient.save()
    return patient


@pytest.fixture
def instance(centres, clinician, template):
    start = dt.date.today() - dt.timedelta(days=60)
    return services.pathway_apply(
        template=template,
        patient=centres,
        start=start,
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )


def train(nurse, *codes, obtained=None, expires=None):
    obtained = obtained or dt.date.today() - dt.timedelta(days=100)
    for code in codes:
        ProfessionalQualification.objects.create(
            professional=nurse,
            qualification=QualificationType.objects.get(code=code),
            obtained_on=obtained,
            expires_on=expires,
        )


@pytest.fixture
def liberal_nurse(db):
    return ProfessionalFactory(
        profession="nurse",
        specialty="liberal_nursing",
        first_name="Karine",
        last_name="Hoarau",
        user__role="liberal_nurse",
    )


@pytest.fixture
def coordination_nurse(db, patient):
    nurse = ProfessionalFactory(
        profession="nurse", specialty="coordination_nursing", user__role="coordination_nurse"
    )
    CareTeamMemberFactory(
        patient=patient, professional=nurse, role="coordination_nurse", is_lead=False
    )
    return nurse
