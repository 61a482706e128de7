from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone


def fill_day(apps, schema_editor):
    Activity = apps.get_model("pathways", "ActivityInstance")
    Activity.objects.update(day=F("due_date"))
    for activity in Activity.objects.filter(status="scheduled", scheduled_for__isnull=False):
        activity.day = timezone.localtime(activity.scheduled_for).date()
        activity.save(update_fields=["day"])


class Migration(migrations.Migration):
    dependencies = [("pathways", "0002_event_append_only")]

    operations = [
        migrations.AddField(
            model_name="activityinstance",
            name="day",
            field=models.DateField(null=True, verbose_name="day"),
        ),
        migrations.RunPython(fill_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activityinstance",
            name="day",
            field=models.DateField(verbose_name="day"),
        ),
        migrations.AddIndex(
            model_name="activityinstance",
            index=models.Index(
                condition=Q(("status__in", ["planned", "scheduled"])),
                fields=["patient", "day"],
                name="activity_open_patient_day",
            ),
        ),
    ]
