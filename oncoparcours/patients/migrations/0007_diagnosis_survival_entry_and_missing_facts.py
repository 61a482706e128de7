# The survival-table entry that flagged a diagnosis and the facts missing to decide it.
# Existing rows keep their flag; their entry key is the label the first table used as key.
# Flags are recomputed with the current table by `oncoparcours prognosis_recompute`
# (a command, not this migration, so that the rule code never runs inside a migration).

from django.db import migrations, models


def keep_first_table_entry(apps, schema_editor):
    Diagnosis = apps.get_model("patients", "Diagnosis")
    Diagnosis.objects.exclude(survival_reference="").update(
        survival_entry=models.functions.Substr("survival_reference", 1, 80)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0006_treatments_in_course"),
    ]

    operations = [
        migrations.AddField(
            model_name="diagnosis",
            name="prognosis_missing",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="diagnosis",
            name="survival_entry",
            field=models.CharField(blank=True, editable=False, max_length=80),
        ),
        migrations.RunPython(keep_first_table_entry, migrations.RunPython.noop),
    ]
