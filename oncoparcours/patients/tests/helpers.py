"""Entering a diagnosis as a care team would (through the services), for tests."""

import datetime as dt

from oncoparcours.patients import services

DAY = dt.date(2025, 3, 1)
# The simple entry needs the measured value of an IHC result (HER2 0 or 1+ differ for HER2-low
# trials): a typical one per marker and result.
IHC_VALUES = {
    ("RE", "negative"): "0 %", ("RE", "positive"): "80 %", ("ER", "negative"): "0 %",
    ("ER", "positive"): "80 %", ("RP", "negative"): "0 %", ("RP", "positive"): "60 %",
    ("PR", "negative"): "0 %", ("PR", "positive"): "60 %", ("HER2", "negative"): "IHC 0",
    ("HER2", "positive"): "IHC 3+",
}  # fmt: skip


def record_diagnosis(actor, patient, icd10, morphology="", stage=None, markers=(), day=DAY):
    """``stage`` is (T, N, M, stage group), ``markers`` (marker, result) pairs. Each step
    recomputes the prognosis flag, as in the application."""
    diagnosis = services.diagnosis_add(
        actor=actor, patient=patient, icd10=icd10, icdo3_morphology=morphology, diagnosed_on=day
    )
    if stage:
        add_staging(actor, diagnosis, *stage, day=day)
    for marker, result in markers:
        services.biomarker_add(
            actor=actor, diagnosis=diagnosis, marker=marker, result=result, tested_on=day,
            value=IHC_VALUES.get((marker.upper(), result), ""),
        )  # fmt: skip
    diagnosis.refresh_from_db()
    return diagnosis


def add_staging(actor, diagnosis, t, n, m, group, day=DAY):
    services.staging_add(
        actor=actor,
        diagnosis=diagnosis,
        kind="clinical",
        t=t,
        n=n,
        m=m,
        stage_group=group,
        staged_on=day,
    )
    diagnosis.refresh_from_db()
    return diagnosis
