from django.urls import path

from . import views

app_name = "trials"

urlpatterns = [
    path("essais/", views.trial_list, name="list"),
    path("essais/import/", views.trial_import, name="import"),
    path("essais/<uuid:trial_id>/", views.trial_detail, name="detail"),
    path("essais/<uuid:trial_id>/bras/<uuid:arm_id>/curation/", views.arm_curate, name="curate"),
    path("essais/reseaux/", views.network_list, name="networks"),
    path("essais/reseaux/<str:code>/", views.network_worklist, name="worklist"),
]
