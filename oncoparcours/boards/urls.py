from django.urls import path

from .views import boards, cases, referrals, sessions

app_name = "boards"

CASE = "patients/<uuid:patient_id>/rcp/<uuid:case_id>/"
SESSION = "rcp/seances/<uuid:session_id>/"

urlpatterns = [
    path("rcp/", boards.board_list, name="boards"),
    path("rcp/mes-dossiers/", boards.my_cases, name="my_cases"),
    path("rcp/orientations/", referrals.referral_inbox, name="referral_inbox"),
    path("rcp/orientations/<uuid:referral_id>/", referrals.referral_answer, name="referral_answer"),
    path("rcp/<uuid:board_id>/", boards.board_detail, name="board"),
    path("rcp/<uuid:board_id>/planifier/", boards.board_plan, name="board_plan"),
    path("rcp/<uuid:board_id>/statistiques/", boards.board_statistics, name="statistics"),
    path(SESSION, sessions.session_detail, name="session"),
    path(SESSION + "presences/", sessions.attendance_add, name="attendance_add"),
    path(
        SESSION + "presences/<uuid:attendance_id>/retirer/",
        sessions.attendance_delete,
        name="attendance_delete",
    ),
    path(SESSION + "ordre-du-jour/", sessions.agenda_add, name="agenda_add"),
    path(
        SESSION + "ordre-du-jour/<uuid:item_id>/<str:action>/",
        sessions.agenda_item_action,
        name="agenda_item",
    ),
    path(SESSION + "dossiers/<uuid:item_id>/", sessions.case_panel, name="case_panel"),
    path(SESSION + "<str:action>/", sessions.session_transition, name="session_transition"),
    path("patients/<uuid:patient_id>/rcp/nouveau/", cases.case_create, name="case_create"),
    path("patients/<uuid:patient_id>/orientation/", referrals.referral_page, name="referral"),
    path(CASE, cases.case_detail, name="case"),
    path(CASE + "modifier/", cases.case_edit, name="case_edit"),
    path(CASE + "retirer/", cases.case_withdraw, name="case_withdraw"),
    path(CASE + "pieces/<uuid:attachment_id>/", cases.attachment_download, name="attachment"),
    path(CASE + "documents/<uuid:document_id>/", cases.document_download, name="document"),
    path(CASE + "decisions/<uuid:decision_id>/corriger/", cases.decision_amend, name="amend"),
    path(CASE + "envois/<uuid:message_id>/renvoyer/", cases.letter_resend, name="letter_resend"),
    path("rcp/accuse-reception/<str:token>/", cases.letter_acknowledge, name="letter_acknowledge"),
]
