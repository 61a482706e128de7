from django.urls import path

from . import views

app_name = "pathways"

PATIENT = "patients/<uuid:patient_id>/parcours/"
INSTANCE = PATIENT + "<uuid:instance_id>/"

urlpatterns = [
    path("parcours/activites/", views.worklist, name="worklist"),
    path("parcours/programmes/", views.programmes, name="programmes"),
    path("parcours/programmes/<slug:code>/", views.programme, name="programme"),
    path(PATIENT + "appliquer/", views.pathway_apply, name="apply"),
    path(PATIENT + "refus/", views.refusal_create, name="refusal"),
    path(INSTANCE, views.instance_detail, name="instance"),
    path(INSTANCE + "phase/", views.phase_advance, name="phase_advance"),
    path(INSTANCE + "pause/", views.pathway_pause, name="pause"),
    path(INSTANCE + "reprise/", views.pathway_resume, name="resume"),
    path(INSTANCE + "fin/", views.pathway_end, name="end"),
    path(
        INSTANCE + "activites/<uuid:activity_id>/<slug:action>/",
        views.activity_action,
        name="activity_action",
    ),
]
