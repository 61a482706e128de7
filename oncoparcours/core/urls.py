from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OncoLoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("audit/utilisateurs/<int:user_id>/", views.audit_by_user, name="audit_by_user"),
]
