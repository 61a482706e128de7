from django.contrib import admin

from .models import PathwayTemplate


@admin.register(PathwayTemplate)
class PathwayTemplateAdmin(admin.ModelAdmin):
    """Read-only: templates come from versioned files (`oncoparcours pathways load`)."""

    list_display = ("code", "version", "title_fr", "is_latest", "file_name", "created_at")
    list_filter = ("code", "is_latest")
    readonly_fields = (
        "code",
        "version",
        "title_fr",
        "title_en",
        "source_document",
        "definition",
        "checksum",
        "file_name",
        "is_latest",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
