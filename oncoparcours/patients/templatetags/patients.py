"""``{% patient_label patient %}``: a patient's name with the birth date, "DUPONT Marie
(12/03/1957)", wherever a list shows a patient (identity vigilance: two homonyms are told apart
by their birth date). Uses only the patient row: no extra query."""

from __future__ import annotations

from django import template

from oncoparcours.patients.models import Patient

register = template.Library()


@register.simple_tag
def patient_label(patient: Patient) -> str:
    return patient.label
