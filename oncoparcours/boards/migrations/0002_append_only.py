from django.db import migrations

from oncoparcours.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0001_initial"),
    ]

    operations = [
        append_only_operation(table)
        for table in ("boards_decision", "boards_attachment", "boards_document")
    ]
