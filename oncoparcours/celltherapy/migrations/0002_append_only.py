from django.db import migrations

from oncoparcours.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [
        ("celltherapy", "0001_initial"),
    ]

    operations = [
        append_only_operation(table)
        for table in (
            "celltherapy_ordertransition",
            "celltherapy_custodyevent",
            "celltherapy_tankreading",
            "celltherapy_tankexcursion",
            "celltherapy_excursionacknowledgement",
            "celltherapy_bedsideconfirmation",
            "celltherapy_bedsidecheck",
        )
    ]
