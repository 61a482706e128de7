from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path(
        "patients/<uuid:patient_id>/droit-acces/donnees.json",
        views.access_json,
        name="access_json",
    ),
    path(
        "patients/<uuid:patient_id>/droit-acces/synthese.html",
        views.access_summary,
        name="access_summary",
    ),
]
