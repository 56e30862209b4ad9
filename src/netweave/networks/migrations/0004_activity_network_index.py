"""Drop the single-column index on Activity.network.

SQLite alters a foreign key by rebuilding the table, which loses the append-only trigger
of 0002, so this migration puts it back. Any later migration that alters the activity
table must do the same.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS networks_activity_no_update
BEFORE UPDATE ON networks_activity
BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;"""


def restore_sqlite_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0003_verbose_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="network",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="networks.network",
                verbose_name="network",
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, restore_sqlite_trigger),
    ]
