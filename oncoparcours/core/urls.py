from django.urls import path

from . import views
from .auth import password
from .auth import views as auth_views
from .notifications import views as notification_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accueil/panneaux/<str:key>/", views.home_panel, name="home_panel"),
    path("connexion/", auth_views.OncoLoginView.as_view(), name="login"),
    path("connexion/verification/", auth_views.second_factor_verify, name="second_factor_verify"),
    path("compte/double-facteur/", auth_views.second_factor_enrol, name="second_factor_enrol"),
    path("compte/mot-de-passe/", password.PasswordChange.as_view(), name="password_change"),
    path(
        "compte/mot-de-passe/modifie/",
        password.PasswordChangeDone.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe-oublie/", password.PasswordReset.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        password.PasswordResetDone.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        password.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        password.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path("deconnexion/", views.logout_view, name="logout"),
    path("audit/utilisateurs/<int:user_id>/", views.audit_by_user, name="audit_by_user"),
    path("notifications/", notification_views.notifications_page, name="notifications"),
    path(
        "notifications/<uuid:notification_id>/lu/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "compte/notifications/",
        notification_views.preferences_page,
        name="notification_preferences",
    ),
]
