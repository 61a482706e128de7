import hashlib
import json

from django.db import migrations, models

from oncoparcours.core.db import append_only_after_rebuild


def pin_extended_versions(apps, schema_editor):
    """Rule sets stored before default@2 said ``extends: default`` when only default@1 existed:
    pin that meaning (a stored set must never change when a newer default ships). Files are now
    named ``<id>@<version>.yaml``."""
    TriageRuleSet = apps.get_model("monitoring", "TriageRuleSet")
    for rule_set in TriageRuleSet.objects.all():
        definition = dict(rule_set.definition)
        if definition.get("extends") and "@" not in str(definition["extends"]):
            definition["extends"] = f"{definition['extends']}@1"
        rule_set.definition = definition
        rule_set.checksum = hashlib.sha256(
            json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        rule_set.file_name = f"{rule_set.code}@{rule_set.version}.yaml"
        rule_set.save(update_fields=["definition", "checksum", "file_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_alter_alert_kind_alter_oncallshift_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="flags",
            field=models.JSONField(blank=True, default=list, verbose_name="suspicions"),
        ),
        append_only_after_rebuild("monitoring_alert"),
        migrations.AlterField(
            model_name="oncallshift",
            name="role",
            field=models.CharField(
                choices=[
                    ("car_t_on_call", "CAR-T on-call"),
                    ("on_call_physician", "On-call physician"),
                    ("pharmacist_on_duty", "Pharmacist on duty"),
                    ("icu_on_call", "Intensive-care on-call"),
                    ("neurology_on_call", "Neurology on-call"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(pin_extended_versions, migrations.RunPython.noop),
    ]
