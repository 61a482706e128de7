"""Oppositions honoured by every indicator page and export: each export declares its purpose; the
patients who object to it on the day the export is produced are read from the application (one
SQL statement, ``patients.consent``), pseudonymised like the extract, and the export's DuckDB
statements leave them out by an anti-join. The export says how many were excluded and why.

The exclusion is read when the page or file is produced, not when the extract was computed: an
opposition recorded today is honoured by an export produced today, for every period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oncoparcours.patients.consent import excluded_patient_ids, purposes
from oncoparcours.patients.rules.consent import PURPOSES

from .catalogue import INDICATORS_PURPOSE
from .extract import Pseudonymiser

# The event-level extract declares its purpose when downloaded (evaluation by default). Being a
# patient-level file that leaves the product, it leaves out every patient who objects to ANY
# export purpose, whatever the declared one (safer reading: a file downloaded "for evaluation"
# could otherwise be reused for research with research objectors in it).
EXTRACT_PURPOSES = (INDICATORS_PURPOSE, *(p for p in PURPOSES if p != INDICATORS_PURPOSE))


@dataclass(frozen=True)
class Exclusion:
    purpose: str
    as_of: dt.date
    pseudonyms: tuple[str, ...]
    every_purpose: bool = False  # objectors to any export purpose are left out

    @property
    def label(self) -> str:
        if self.every_purpose:
            return _("research, network, registry, evaluation")
        return purposes()[self.purpose].label

    @property
    def legal_basis(self) -> str:
        return purposes()[self.purpose].legal_basis


def exclusion_for(
    purpose: str,
    *,
    on: dt.date | None = None,
    key: bytes | None = None,
    every_purpose: bool = False,
) -> Exclusion:
    """The pseudonyms of the patients objecting to ``purpose`` (or, with ``every_purpose``, to
    any export purpose) on ``on`` (default today)."""
    day = on or timezone.localdate()
    pseudonym = Pseudonymiser(key)
    ids = excluded_patient_ids(purposes=list(PURPOSES) if every_purpose else [purpose], on=day)
    return Exclusion(
        purpose,
        day,
        tuple(pseudonym(pk) for pk in ids.iterator(chunk_size=20000)),
        every_purpose,
    )


def install(connection: Any, exclusion: Exclusion | None) -> int:
    """Create ``events`` in ``connection`` as its ``events_all`` (the whole extract) without the
    excluded patients (an anti-join in SQL); returns how many patients were left out."""
    connection.execute("CREATE OR REPLACE TEMP TABLE excluded (patient VARCHAR)")
    if exclusion is not None and exclusion.pseudonyms:
        connection.execute(
            "INSERT INTO excluded SELECT DISTINCT unnest(?::VARCHAR[])",
            [list(exclusion.pseudonyms)],
        )
    connection.execute(
        """CREATE OR REPLACE TEMP VIEW events AS
            SELECT e.* FROM events_all e
            WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.patient = e.patient)"""
    )
    row = connection.execute(
        """SELECT count(DISTINCT e.patient) FROM events_all e
            WHERE EXISTS (SELECT 1 FROM excluded x WHERE x.patient = e.patient)"""
    ).fetchone()
    return int(row[0]) if row else 0


def note(count: int, exclusion: Exclusion | None) -> str:
    """ "N patients excluded (opposition to <purpose>)", as shown on pages and in files."""
    if exclusion is None:
        return _("No opposition applied to this export.")
    if exclusion.every_purpose:
        return ngettext(
            "%(count)s patient excluded (opposition to at least one export purpose: %(purposes)s)",
            "%(count)s patients excluded (opposition to at least one export purpose: %(purposes)s)",
            count,
        ) % {"count": count, "purposes": exclusion.label}
    return ngettext(
        "%(count)s patient excluded (opposition to the purpose “%(purpose)s”)",
        "%(count)s patients excluded (opposition to the purpose “%(purpose)s”)",
        count,
    ) % {"count": count, "purpose": exclusion.label}
