from django.urls import path, re_path
from oauth2_provider.views import TokenView

from . import bulk_views, import_views, views

app_name = "interop"

urlpatterns = [
    path("fhir/metadata", views.metadata, name="metadata"),
    path("import-fhir/", import_views.bundle_import_page, name="bundle_import"),
    path("fhir/auth/token", TokenView.as_view(), name="token"),
    path(
        "fhir/.well-known/smart-configuration",
        views.smart_configuration,
        name="smart_configuration",
    ),
    re_path(r"^fhir/\$export$", views.bulk_export, name="bulk_export"),
    path("fhir/bulkstatus/<str:job_id>", bulk_views.bulk_status, name="bulk_status"),
    re_path(
        r"^fhir/bulkfiles/(?P<job_id>[A-Za-z0-9\-]{1,64})/(?P<resource_type>[A-Z][A-Za-z]+)\.ndjson$",
        bulk_views.bulk_file,
        name="bulk_file",
    ),
    re_path(
        r"^fhir/Patient/(?P<patient_id>[A-Za-z0-9\-.]{1,64})/\$everything$",
        views.everything,
        name="everything",
    ),
    re_path(
        r"^fhir/Composition/(?P<decision_id>[A-Za-z0-9\-.]{1,64})/\$document$",
        views.decision_document,
        name="decision_document",
    ),
    re_path(r"^fhir/(?P<resource_type>[A-Z][A-Za-z]+)$", views.search, name="search"),
    re_path(
        r"^fhir/(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[A-Za-z0-9\-.]{1,64})$",
        views.read,
        name="read",
    ),
    # Anything else under /fhir/ is answered in FHIR (an OperationOutcome), never an HTML page.
    re_path(r"^fhir(/.*)?$", views.unknown_path, name="unknown"),
]
