from django.urls import path

from . import chair_views, views

app_name = "planning"

urlpatterns = [
    path("tournees/", views.day_plan, name="day"),
    path("tournees/construire/", views.plan_build, name="build"),
    path("tournees/plan/<uuid:plan_id>/publier/", views.plan_publish, name="publish"),
    path(
        "tournees/plan/<uuid:plan_id>/annuler/<uuid:activity_id>/",
        views.visit_cancel,
        name="cancel",
    ),
    path("tournees/plan/<uuid:plan_id>/absence/", views.nurse_absent, name="absent"),
    path("tournees/plan/<uuid:plan_id>/ajouts/", views.visits_add, name="add_visits"),
    path("tournees/tournee/<int:tour_id>/", views.tour_detail, name="tour"),
    path("tournees/tournee/<int:tour_id>/feuille/", views.tour_sheet, name="sheet"),
    path("fauteuils/", chair_views.chair_day, name="chairs"),
    path("fauteuils/construire/", chair_views.chair_build, name="chairs_build"),
    path(
        "fauteuils/plan/<uuid:plan_id>/publier/", chair_views.chair_publish, name="chairs_publish"
    ),
]
