from django import template

from ..models import hhmm as _hhmm

register = template.Library()


@register.filter
def hhmm(minutes: int | None) -> str:
    return _hhmm(minutes)


@register.filter
def km(metres: int | None) -> str:
    if metres is None:
        return ""
    return f"{metres / 1000:.1f}".replace(".", ",")
