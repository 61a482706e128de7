from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicateurs/", views.overview, name="overview"),
    path("indicateurs/catalogue/", views.catalogue, name="catalogue"),
    path("indicateurs/article-51/", views.article51, name="article51"),
    path("indicateurs/actualiser/", views.refresh, name="refresh"),
    path(
        "indicateurs/export/evenements.<str:fmt>",
        views.extract_download,
        name="extract",
    ),
    path("indicateurs/<slug:indicator_id>/", views.detail, name="detail"),
    path("indicateurs/<slug:indicator_id>.<str:fmt>", views.download, name="download"),
]
