from django.urls import path

from . import molecular_views, record_views, treatment_views, views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("nouveau/", views.patient_create, name="create"),
    path("acces-urgence/", views.break_glass, name="break_glass"),
    path("<uuid:patient_id>/", views.patient_detail, name="detail"),
    path(
        "<uuid:patient_id>/rubriques/<str:key>/",
        record_views.record_section,
        name="record_section",
    ),
    path("<uuid:patient_id>/identite/", views.patient_edit, name="edit"),
    path("<uuid:patient_id>/diagnostics/nouveau/", views.diagnosis_create, name="diagnosis_create"),
    path(
        "<uuid:patient_id>/diagnostics/<uuid:diagnosis_id>/stade/",
        views.staging_create,
        name="staging_create",
    ),
    path(
        "<uuid:patient_id>/diagnostics/<uuid:diagnosis_id>/biomarqueur/",
        views.biomarker_create,
        name="biomarker_create",
    ),
    path(
        "<uuid:patient_id>/etat-general/",
        views.performance_status_create,
        name="performance_create",
    ),
    path("<uuid:patient_id>/equipe/ajouter/", views.care_team_add, name="care_team_add"),
    path(
        "<uuid:patient_id>/equipe/<uuid:member_id>/fin/", views.care_team_end, name="care_team_end"
    ),
    path(
        "<uuid:patient_id>/traitements/nouveau/",
        treatment_views.treatment_start,
        name="treatment_start",
    ),
    path(
        "<uuid:patient_id>/traitements/<uuid:treatment_id>/fin/",
        treatment_views.treatment_end,
        name="treatment_end",
    ),
    path(
        "<uuid:patient_id>/moleculaire/nouveau/",
        molecular_views.molecular_add,
        name="molecular_add",
    ),
    path(
        "<uuid:patient_id>/moleculaire/import/",
        molecular_views.molecular_import,
        name="molecular_import",
    ),
    path(
        "<uuid:patient_id>/moleculaire/<uuid:finding_id>/corriger/",
        molecular_views.molecular_correct,
        name="molecular_correct",
    ),
    path(
        "<uuid:patient_id>/moleculaire/<uuid:finding_id>/retirer/",
        molecular_views.molecular_withdraw,
        name="molecular_withdraw",
    ),
    path("<uuid:patient_id>/consentement/", views.consent_create, name="consent_create"),
    path("<uuid:patient_id>/audit/", views.patient_audit, name="audit"),
]
