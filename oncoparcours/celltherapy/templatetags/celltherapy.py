from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def holder_label(value: str) -> str:
    """The custody holder as people say it ("courier" and "patient" are stored as keys)."""
    return {"courier": _("Courier"), "patient": _("Patient (infused)")}.get(value, value)


@register.filter
def state_label(value: str) -> str:
    from ..services.orders import state_label as label

    return label(value)


@register.filter
def product_name(code: str) -> str:
    from ..catalogue import product

    found = product(code)
    return found.inn if found else code


@register.filter
def procedure_name(code: str) -> str:
    from ..catalogue import procedure

    found = procedure(code)
    return found.label if found else code


@register.filter
def confirmed(label: object, name: str) -> bool:
    """Whether a product label value was checked against the SmPC (else shown "to confirm")."""
    check = getattr(label, "confirmed", None)
    return bool(check(name)) if check else False


@register.filter
def drug_unit_dose(treatment: object) -> str:
    """ "8 mg/kg", "10 mg": the dose without trailing zeros, and its unit."""
    dose = getattr(treatment, "dose", "")
    shown = dose.normalize() if hasattr(dose, "normalize") else dose
    return f"{shown:f} {getattr(treatment, 'unit', '')}" if shown != "" else ""
