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
    return found.inn_label if found else code


@register.filter
def procedure_name(code: str) -> str:
    from ..catalogue import procedure

    found = procedure(code)
    return found.label if found else code


@register.filter
def confirmed(label: object, name: str) -> bool:
    """Whether a product label value was read in the EU SmPC (else its badge says why not)."""
    check = getattr(label, "confirmed", None)
    return bool(check(name)) if check else False


@register.filter
def label_source(label: object, name: str) -> object:
    """The document a product label value was read in (``catalogue.ValueSource``), or None."""
    sources = getattr(label, "sources", None) or {}
    return sources.get(name)


@register.simple_tag
def source_status_label(status: str) -> str:
    return {
        "eu_smpc": _("EU SmPC"),
        "to_confirm": _("EU SmPC to confirm"),
        "stricter_reading": _("project's stricter reading"),
    }.get(status, status)


@register.filter
def drug_unit_dose(treatment: object) -> str:
    """ "8 mg/kg", "10 mg": the dose without trailing zeros, and its unit."""
    dose = getattr(treatment, "dose", "")
    shown = dose.normalize() if hasattr(dose, "normalize") else dose
    return f"{shown:f} {getattr(treatment, 'unit', '')}" if shown != "" else ""


@register.simple_tag
def label_value_titles() -> list[tuple[str, str]]:
    """The product label values the order page cites, with their names."""
    return [
        ("monitoring_days", _("Daily assessment")),
        ("proximity", _("Stay near the qualified centre")),
        ("no_driving_weeks", _("No driving")),
        ("tocilizumab", _("Tocilizumab before infusion")),
        ("thaw_limit_minutes", _("Thaw-to-infusion limit")),
    ]
