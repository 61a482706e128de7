"""The open alerts' index (issue 19), filled from the event log (every alert without a
"resolved" event), then kept by two triggers (``monitoring.open_alert_index``)."""

import django.db.models.deletion
from django.db import migrations, models

from oncoparcours.monitoring.open_alert_index import install_open_alert_triggers


def _install_triggers(apps, schema_editor):
    install_open_alert_triggers(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0008_report_comment_warning_signs'),
        ('patients', '0017_molecular_method'),
    ]

    operations = [
        migrations.CreateModel(
            name='OpenAlert',
            fields=[
                ('alert', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='open_marker', serialize=False, to='monitoring.alert')),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='patients.patient')),
            ],
            options={
                'verbose_name': 'open alert',
                'verbose_name_plural': 'open alerts',
            },
        ),
        migrations.RunSQL(
            """
            INSERT INTO monitoring_openalert (alert_id, patient_id)
            SELECT a.id, a.patient_id FROM monitoring_alert a
            WHERE NOT EXISTS (
                SELECT 1 FROM monitoring_alertevent e
                WHERE e.alert_id = a.id AND e.kind = 'resolved'
            )
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(_install_triggers, migrations.RunPython.noop),
    ]
