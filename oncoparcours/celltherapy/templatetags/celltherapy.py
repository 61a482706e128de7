from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def holder_label(value: str) -> str:
    """The custody holder as people say it ("courier" and "patient" are stored as keys)."""
    # Most values are organisation names: translate only the two keys (a dict of both
    # translations per call cost two catalogue lookups per cell of the custody table).
    if value == "courier":
        return _("Courier")
    if value == "patient":
        return _("Patient (infused)")
    return value


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
    # "RCP" is also the tumour board in French: the badge says "RCP du produit".
    return {
        "eu_smpc": _("product's SmPC (EU)"),
        "to_confirm": _("to confirm in the product's SmPC"),
        "stricter_reading": _("project's stricter reading"),
    }.get(status, status)


@register.simple_tag
def source_status_explanation(status: str) -> str:
    """Where a label value was read, in plain words (the documents themselves are developer
    notes in products.yaml: file names, copies read, review passes)."""
    return {
        "eu_smpc": _("Read in the product's European summary of product characteristics."),
        "to_confirm": _(
            "Taken from another document than the product's European summary of product "
            "characteristics (summary of the labels, Swiss, UK or US product information): "
            "to confirm in the product's summary of characteristics."
        ),
        "stricter_reading": _(
            "The team's stricter reading: the value applied asks more than the product's "
            "summary of characteristics."
        ),
    }.get(status, "")


@register.simple_tag
def label_reference(label: object, product_code: str) -> str:
    """ "Summary of product characteristics (EU SmPC) of Breyanzi, EMA, revision of 28/04/2023"."""
    from ..catalogue import product

    found = product(product_code)
    brand = found.brand if found else product_code
    revision = getattr(label, "smpc_revision", None)
    if revision:
        return _(
            "European summary of product characteristics of %(brand)s (product's SmPC, EMA), "
            "revision of %(date)s"
        ) % {"brand": brand, "date": revision.strftime("%d/%m/%Y")}
    return _("European summary of product characteristics of %(brand)s (product's SmPC, EMA)") % {
        "brand": brand
    }


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
