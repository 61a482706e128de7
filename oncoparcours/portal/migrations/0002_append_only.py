from django.db import migrations

from oncoparcours.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [append_only_operation("portal_message")]
