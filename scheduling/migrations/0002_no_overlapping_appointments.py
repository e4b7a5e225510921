"""No two booked appointments of one staff member may overlap, buffers included.

On PostgreSQL this is an exclusion constraint, so the database refuses the second of two
bookings made at the same instant. SQLite (the laptop default) has no exclusion constraints;
there the booking service checks after its insert, inside the transaction, and SQLite lets
only one transaction write at a time. The constraint is not declared on the model, because
Django would then try to create and validate it on SQLite too.
"""

from django.db import migrations

CONSTRAINT = "appointment_staff_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # btree_gist lets the integer staff id take part in a GiST index next to the time range.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(staff_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&) WHERE (status = 'booked')"
    )


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, remove_constraint, elidable=False)]
