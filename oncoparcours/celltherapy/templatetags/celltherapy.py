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
