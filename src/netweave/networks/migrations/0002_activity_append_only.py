"""Make the activity log append-only in the database itself: UPDATE is refused.

DELETE stays possible at the database level (test flushes and a future GDPR erasure job
need it); the ORM refuses it (see ``Activity.delete``).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER networks_activity_no_update BEFORE UPDATE ON networks_activity
       BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS networks_activity_no_update;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION networks_activity_refuse_update() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the activity log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER networks_activity_no_update BEFORE UPDATE ON networks_activity
       FOR EACH ROW EXECUTE FUNCTION networks_activity_refuse_update();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS networks_activity_no_update ON networks_activity;",
    "DROP FUNCTION IF EXISTS networks_activity_refuse_update();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("networks", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
