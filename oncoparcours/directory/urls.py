from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("organisations/<uuid:organisation_id>/", views.organisation_detail, name="organisation"),
    path("reseaux/", views.network_list, name="networks"),
    path("reseaux/<str:code>/", views.network_detail, name="network"),
    path("professionnels/", views.professional_list, name="professionals"),
    path("professionnels/<uuid:professional_id>/", views.professional_detail, name="professional"),
    path(
        "professionnels/<uuid:professional_id>/specialites/",
        views.professional_specialties,
        name="professional_specialties",
    ),
    path("import/", views.import_csv, name="import"),
]
