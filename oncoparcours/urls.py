from django.contrib import admin
from django.urls import include, path

from oncoparcours.core.auth.views import admin_login_redirect

urlpatterns = [
    path("", include("oncoparcours.core.urls")),
    path("annuaire/", include("oncoparcours.directory.urls")),
    path("patients/", include("oncoparcours.patients.urls")),
    path("", include("oncoparcours.trials.urls")),
    path("", include("oncoparcours.pathways.urls")),
    path("", include("oncoparcours.monitoring.urls")),
    path("", include("oncoparcours.boards.urls")),
    path("", include("oncoparcours.celltherapy.urls")),
    path("", include("oncoparcours.planning.urls")),
    path("", include("oncoparcours.portal.urls")),
    path("", include("oncoparcours.indicators.urls")),
    path("", include("oncoparcours.privacy.urls")),
    path("", include("oncoparcours.interop.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("admin/login/", admin_login_redirect),
    path("admin/", admin.site.urls),
]
