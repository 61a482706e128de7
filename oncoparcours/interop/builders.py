"""Domain rows → FHIR R4 resources (JSON dicts), each validated with ``fhir.resources`` (R4B
models; the elements used here are identical in R4) before it leaves the server."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from oncoparcours.patients.models import Diagnosis, Patient, Sex

from . import systems

GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.UNDETERMINED: "other"}


# Bulk export builds hundreds of thousands of resources: it turns the per-resource validation off
# (the builders are validated by the tests, and a sample of every export is validated too).
VALIDATE: ContextVar[bool] = ContextVar("fhir_validate", default=True)


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    if not VALIDATE.get():
        return resource
    from fhir.resources.R4B import get_fhir_model_class  # imported on first use (0.7 s)

    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def own_identifier(pk: Any) -> dict[str, str]:
    """The row's own id as a URI identifier: a re-import of our export finds the same row."""
    return {"system": systems.RFC3986, "value": f"urn:uuid:{pk}"}


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _names(patient: Patient) -> list[dict[str, Any]]:
    names = [
        {
            "use": "official",
            "family": patient.birth_last_name,
            "given": patient.display_first_names.split(),
        }
    ]
    if patient.used_last_name or patient.used_first_name:
        usual = {
            "use": "usual",
            "family": patient.used_last_name or patient.birth_last_name,
            "given": [patient.used_first_name] if patient.used_first_name else [],
        }
        names.append(_drop_empty(usual))
    return names


def _practitioner_reference(professional: Any) -> dict[str, Any]:
    reference: dict[str, Any] = {"display": str(professional)}
    if professional.rpps:
        reference["identifier"] = {"system": systems.RPPS, "value": professional.rpps}
    return reference


def patient_resource(patient: Patient) -> dict[str, Any]:
    """mCODE CancerPatient. The INS is not sent: OncoParcours does not record whether the
    identity is qualified, and the RNIV allows sharing the INS only for a qualified identity
    (see docs/interop.md)."""
    address = _drop_empty(
        {
            "line": [patient.address] if patient.address else [],
            "postalCode": patient.postcode,
            "city": patient.city,
            "country": "FR" if patient.postcode else "",
        }
    )
    resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "meta": {"profile": [systems.CANCER_PATIENT]},
        "identifier": [own_identifier(patient.pk)],
        "name": _names(patient),
        "gender": GENDER[Sex(patient.sex)],
        "birthDate": patient.birth_date.isoformat(),
        "deceasedDateTime": patient.deceased_on.isoformat() if patient.deceased_on else None,
        "address": [address] if address else [],
        "telecom": [{"system": "phone", "value": patient.phone}] if patient.phone else [],
        "generalPractitioner": [_practitioner_reference(patient.gp)] if patient.gp else [],
    }
    return validated(_drop_empty(resource))


def condition_resource(diagnosis: Diagnosis) -> dict[str, Any]:
    """mCODE Primary or Secondary CancerCondition: ICD-10 code, ICD-O-3 topography as body
    site and morphology as the histology extension, date of diagnosis as assertedDate. The
    clinical status is not sent: it is not recorded."""
    profile = (
        systems.PRIMARY_CANCER_CONDITION
        if diagnosis.is_primary
        else systems.SECONDARY_CANCER_CONDITION
    )
    extensions: list[dict[str, Any]] = [
        {"url": systems.ASSERTED_DATE, "valueDateTime": diagnosis.diagnosed_on.isoformat()}
    ]
    if diagnosis.icdo3_morphology:
        extensions.append(
            {
                "url": systems.HISTOLOGY_MORPHOLOGY,
                "valueCodeableConcept": {
                    "coding": [{"system": systems.ICDO3, "code": diagnosis.icdo3_morphology}]
                },
            }
        )
    if diagnosis.laterality:
        extensions.append({"url": systems.OWN_LATERALITY, "valueCode": diagnosis.laterality})
    body_site = (
        [{"coding": [{"system": systems.ICDO3, "code": diagnosis.icdo3_topography}]}]
        if diagnosis.icdo3_topography
        else []
    )
    resource = {
        "resourceType": "Condition",
        "id": str(diagnosis.pk),
        "meta": {"profile": [profile]},
        "identifier": [own_identifier(diagnosis.pk)],
        "extension": extensions,
        "category": [
            {"coding": [{"system": systems.CONDITION_CATEGORY, "code": "problem-list-item"}]}
        ],
        "code": {"coding": [systems.icd10_coding(diagnosis.icd10, diagnosis.label)]},
        "bodySite": body_site,
        "subject": {"reference": f"Patient/{diagnosis.patient_id}"},
        "note": [{"text": diagnosis.note}] if diagnosis.note else [],
    }
    return validated(_drop_empty(resource))
