from django.contrib import admin

from .models import Arm, Trial, TrialSite


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ("nct_id", "title", "overall_status", "retrieved_at")
    search_fields = ("nct_id", "title", "sponsor")


admin.site.register(TrialSite)
admin.site.register(Arm)
