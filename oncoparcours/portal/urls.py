from django.urls import path

from . import prom_views, staff_views, views

app_name = "portal"

urlpatterns = [
    path("portail/", views.home, name="home"),
    path("portail/connexion/", views.login, name="login"),
    path("portail/connexion/code/", views.code, name="code"),
    path("portail/deconnexion/", views.logout, name="logout"),
    path("portail/calendrier/", views.calendar, name="calendar"),
    path("portail/documents/", views.documents, name="documents"),
    path("portail/documents/consentements.pdf", views.consent_form, name="consent_form"),
    path("portail/documents/<uuid:document_id>/", views.document_download, name="document"),
    path("portail/questionnaire/", views.questionnaire, name="questionnaire"),
    path(
        "portail/questionnaire/merci/<uuid:report_id>/",
        views.questionnaire_done,
        name="questionnaire_done",
    ),
    path("portail/questionnaires/<uuid:due_id>/", prom_views.prom, name="prom"),
    path("portail/questionnaires/<uuid:due_id>/merci/", prom_views.prom_done, name="prom_done"),
    path("portail/suivi/", views.reports, name="reports"),
    path("portail/informations/", views.information, name="information"),
    path("portail/contacts/", views.contacts, name="contacts"),
    path("portail/messages/", views.messages_list, name="messages"),
    path("portail/messages/nouveau/", views.thread_new, name="thread_new"),
    path("portail/messages/<uuid:thread_id>/", views.thread, name="thread"),
    path(
        "portail/messages/<uuid:thread_id>/confidentialite/",
        views.thread_privacy,
        name="thread_privacy",
    ),
    path(
        "portail/messages/<uuid:thread_id>/pieces/<uuid:file_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("portail/proches/", views.relatives, name="relatives"),
    path(
        "portail/proches/<uuid:caregiver_id>/droits/", views.relative_rights, name="relative_rights"
    ),
    path(
        "portail/proches/<uuid:caregiver_id>/retirer/",
        views.relative_revoke,
        name="relative_revoke",
    ),
    path("messagerie-patients/", staff_views.inbox, name="staff_inbox"),
    path(
        "patients/<uuid:patient_id>/messages/<uuid:thread_id>/",
        staff_views.thread,
        name="staff_thread",
    ),
    path(
        "patients/<uuid:patient_id>/messages/<uuid:thread_id>/pieces/<uuid:file_id>/",
        staff_views.attachment_download,
        name="staff_attachment",
    ),
    path("patients/<uuid:patient_id>/portail/", staff_views.accesses, name="staff_accesses"),
]
