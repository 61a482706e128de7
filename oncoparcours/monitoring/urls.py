from django.urls import path

from . import prom_views, views

app_name = "monitoring"

FOLLOW_UP = "patients/<uuid:patient_id>/suivi/"

urlpatterns = [
    path("suivi/<str:token>/", views.self_report, name="self_report"),
    path(
        "suivi/<str:token>/merci/<uuid:report_id>/", views.self_report_done, name="self_report_done"
    ),
    path("suivi/<str:token>/api/rapports/", views.self_report_api, name="self_report_api"),
    path("alertes/", views.inbox, name="inbox"),
    path("triage/regles/", views.rule_sets, name="rule_sets"),
    path("triage/regles/<uuid:rule_set_id>/", views.rule_set_detail, name="rule_set"),
    path(FOLLOW_UP, views.follow_up, name="follow_up"),
    path(FOLLOW_UP + "visite/", views.nurse_visit, name="nurse_visit"),
    path(FOLLOW_UP + "evaluation-car-t/", views.clinician_assessment, name="clinician_assessment"),
    path(FOLLOW_UP + "rapports/<uuid:report_id>/", views.report_detail, name="report"),
    path(FOLLOW_UP + "evenements/nouveau/", views.adverse_event_create, name="adverse_event"),
    path(FOLLOW_UP + "liens/", views.access_links, name="links"),
    path(FOLLOW_UP + "questionnaires/", prom_views.questionnaires, name="proms"),
    path(FOLLOW_UP + "questionnaires/<uuid:due_id>/", prom_views.questionnaire, name="prom"),
    path("patients/<uuid:patient_id>/alertes/<uuid:alert_id>/", views.alert_detail, name="alert"),
]
