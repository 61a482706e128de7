import pytest

from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.celltherapy import car_t_setting


@pytest.fixture
def setting(db):
    return car_t_setting()


@pytest.fixture
def haematologist(clinician):
    clinician.specialty = "haematology"
    clinician.save()
    return clinician.user


@pytest.fixture
def car_t_patient(patient, setting):
    # The ward nurse belongs to the patient's care team; pharmacy and EFS join with the order.
    CareTeamMember.objects.create(
        patient=patient, professional=setting.nurse, role="coordination_nurse"
    )
    return patient
