from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "oncoparcours.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_nav_item
        from oncoparcours.core.scheduling import register_periodic

        from . import tasks

        register_nav_item(NavItem("indicators", _("Indicators"), "indicators:overview", order=80))
        register_periodic(
            "indicators.refresh_extract",
            interval_seconds=tasks.REFRESH_INTERVAL_SECONDS,
            task=tasks.refresh_extract,
        )
