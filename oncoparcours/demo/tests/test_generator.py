import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oncoparcours.core.rules.identifiers import finess_problem, ins_problem, rpps_problem
from oncoparcours.demo.generator import CASELOAD_CAP, Generator
from oncoparcours.directory.models import Network, Organisation, Professional
from oncoparcours.patients.identity import CHECKED_FIELDS, check_traits
from oncoparcours.patients.models import Diagnosis, Patient
from oncoparcours.patients.selectors import patients_for_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_region_is_valid_and_usable(django_user_model):
    call_command("demo", seed=3, patients=300, quiet=True)
    cancer_patients = Patient.objects.filter(diagnoses__isnull=False).distinct()
    assert cancer_patients.count() == 300
    assert (
        Patient.objects.count() == 312
    )  # + 12 EFS programme patients (sickle cell, haemochromatosis)
    for patient in Patient.objects.all():
        assert ins_problem(patient.ins, sex=patient.sex, birth_date=patient.birth_date) is None
        assert check_traits(patient, CHECKED_FIELDS) == {}, patient.pk  # as a user would type
        assert patient.care_team.filter(is_lead=True).count() == 1
    assert all(
        finess_problem(f) is None
        for f in Organisation.objects.exclude(finess=None).values_list("finess", flat=True)
    )
    assert all(
        rpps_problem(r) is None
        for r in Professional.objects.exclude(rpps=None).values_list("rpps", flat=True)
    )
    # Every diagnosis is a known code and carries the survival-table flag where the site is listed.
    lung = Diagnosis.objects.filter(icd10__startswith="C34")
    assert lung.exists() and not lung.exclude(poor_prognosis=True).exists()
    # The networks have their pilot centres from the seed documents.
    pilots = {
        m.network.code: m.organisation.name
        for m in Network.objects.get(code="FEM-NET").memberships.filter(role="pilot")
    }
    assert pilots == {"FEM-NET": "Centre Léon Bérard"}
    # Each demo login exists and the clinical ones see patients.
    oncologist = django_user_model.objects.get(username="oncologue")
    assert oncologist.check_password("demo-oncoparcours")
    assert patients_for_user(oncologist).count() > 10
    idel = django_user_model.objects.get(username="idel")
    assert idel.professional.qualifications.filter(qualification__code="tpe_40h").exists()
    _car_t_demo_follows_the_labels()


def _car_t_demo_follows_the_labels():
    """The qualified order's tocilizumab was confirmed three weeks before its planned infusion:
    the page says it expires first. Every demo infusion had its confirmation in the 72 hours
    before it. No CAR-T pathway is shorter than its product's label."""
    from oncoparcours.celltherapy import catalogue, selectors
    from oncoparcours.celltherapy.models import CarTOrder
    from oncoparcours.celltherapy.rules import safety
    from oncoparcours.celltherapy.services import gates
    from oncoparcours.pathways.models import PathwayInstance

    qualified = CarTOrder.objects.get(state="qualified")
    assert selectors.order_safety(qualified).tocilizumab_expires_before_infusion
    for order in CarTOrder.objects.filter(state="infused"):
        at = order.custody.get(kind="infused").at
        assert gates.tocilizumab_status(order, at).ok, order.coi
    instances = PathwayInstance.objects.filter(template__code="car-t")
    assert instances.exists()
    for instance in instances:
        product = catalogue.product(instance.parameters["product"])
        assert product is not None
        assert not safety.periods_below_label(instance.parameters, product.label.periods())


def test_demo_is_idempotent_and_refuses_another_dataset(monkeypatch, client):
    call_command("demo", seed=3, patients=50, quiet=True)
    # The links printed are those of the address `serve` listens on (BIND), and they open.
    monkeypatch.setenv("BIND", "0.0.0.0:8123")
    printed = io.StringIO()
    call_command("demo", seed=3, patients=50, quiet=True, stdout=printed)
    links = re.findall(r"http://\S+/suivi/\S+/", printed.getvalue())
    assert links and all(link.startswith("http://127.0.0.1:8123/suivi/") for link in links)
    assert client.get(links[0].removeprefix("http://127.0.0.1:8123")).status_code == 200
    assert Patient.objects.filter(diagnoses__isnull=False).distinct().count() == 50
    with pytest.raises(CommandError, match="already holds the demo"):
        call_command("demo", seed=4, patients=50, quiet=True)


def test_same_seed_same_people():
    generator = Generator(seed=11, patients=0, today=dt.date(2026, 1, 15))
    other = Generator(seed=11, patients=0, today=dt.date(2026, 1, 15))
    assert [generator.ins("F", dt.date(1950, 3, 1), "37") for _ in range(5)] == [
        other.ins("F", dt.date(1950, 3, 1), "37") for _ in range(5)
    ]
    assert generator.person() == other.person()


def test_demo_logins_caseloads_are_capped_and_staff_scales_with_the_region():
    generator = Generator(seed=1, patients=100_000)
    assert generator.staff_scale == 12
    generator.caseload["idel"] = CASELOAD_CAP["idel"] - 1
    assert generator._login_takes("idel", 1.0) is True
    assert generator._login_takes("idel", 1.0) is False  # cap reached
    assert generator._login_takes("idec", 0.0) is False  # probability respected
    assert Generator(seed=1, patients=2000).staff_scale == 1
