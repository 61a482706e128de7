"""The trigram index of the name search (migration patients 0019, PostgreSQL only)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from oncoparcours.patients.models import Patient, search_key
from oncoparcours.patients.selectors import patient_search
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

INDEX = "patient_search_text_trgm"


def index_exists() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [INDEX])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [INDEX])
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_the_migration_creates_the_index_on_postgresql_only_and_goes_back():
    on_postgresql = connection.vendor == "postgresql"
    assert index_exists() is on_postgresql
    call_command("migrate", "patients", "0017", verbosity=0)
    assert not index_exists()
    call_command("migrate", "patients", verbosity=0)
    assert index_exists() is on_postgresql


@pytest.mark.django_db
def test_the_name_search_can_use_the_trigram_index(clinician):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index")
    for index in range(30):
        patient = PatientFactory(birth_last_name=f"Nom{index:03d}")
        CareTeamMemberFactory(patient=patient, professional=clinician)
    found = patient_search(user=clinician.user, query="nom01")
    assert {p.birth_last_name for p in found} == {f"Nom{i:03d}" for i in range(10, 20)}
    # The search's filter for a word, as Django writes it on PostgreSQL
    # ("search_text"::text LIKE '%nom01%'), alone: with the care team first (as above), a
    # small table is better read through the team's index.
    words = Patient.objects.filter(search_text__contains=search_key("nom01")).values("pk")
    sql, params = words.query.sql_with_params()
    assert "LIKE" in sql
    with connection.cursor() as cursor:
        # A few rows: the planner would rather read the table, or walk another index whole;
        # forbid both to see whether the filter can use the trigram index at all (a GIN index
        # is read by a bitmap scan).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert INDEX in plan, plan
