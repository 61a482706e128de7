"""Test factories (factory_boy). Identifiers are generated valid (Luhn / INS keys)."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.core.rules.identifiers import ins_key, luhn_check_digit
from oncoparcours.directory.models import Organisation, OrganisationMembership, Professional
from oncoparcours.patients.models import CareTeamMember, Diagnosis, Patient, TreatmentCourse

_counter = itertools.count(1)


def valid_finess(departement: str = "69") -> str:
    body = f"{departement}{next(_counter):0{8 - len(departement)}d}"
    return body + luhn_check_digit(body)


def valid_rpps() -> str:
    body = f"10{next(_counter):08d}"
    return body + luhn_check_digit(body)


def valid_ins(
    sex: str = "F", birth: dt.date = dt.date(1960, 5, 17), departement: str = "69"
) -> str:
    serial = next(_counter)
    body = (
        f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{departement}"
        f"{serial % 1000:03d}{serial // 1000 % 1000:03d}"
    )
    return body + f"{ins_key(body):02d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = "clinician"
    password = factory.django.Password("correct horse battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "chu"
    name = factory.Sequence(lambda n: f"Centre hospitalier {n}")
    departement = "69"
    finess = factory.LazyAttribute(lambda o: valid_finess(o.departement))
    latitude = 45.76
    longitude = 4.84


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional
        skip_postgeneration_save = True

    rpps = factory.LazyFunction(valid_rpps)
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    profession = "physician"
    specialty = "medical_oncology"
    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if create and extracted is not None:
            OrganisationMembership.objects.create(professional=self, organisation=extracted)  # type: ignore[misc]


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    birth_last_name = factory.Sequence(lambda n: f"Patiente{n}")
    first_names = "Jeanne"
    birth_date = dt.date(1960, 5, 17)
    sex = "F"
    departement = "69"
    ins = factory.LazyAttribute(lambda p: valid_ins(p.sex, p.birth_date, p.departement))


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    patient = factory.SubFactory(PatientFactory)
    icd10 = "C34.1"
    diagnosed_on = dt.date(2025, 3, 1)
    poor_prognosis = True


class TreatmentCourseFactory(factory.django.DjangoModelFactory):
    """A treatment in course since a week (override ``kind`` and ``regimen``)."""

    class Meta:
        model = TreatmentCourse

    patient = factory.SubFactory(PatientFactory)
    kind = "chemotherapy"
    regimen = "Carboplatine–paclitaxel"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    recorded_by = factory.SubFactory(UserFactory)


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    role = "referring_oncologist"
    is_lead = True
    start = dt.date(2025, 1, 1)
