from django.db import migrations


class Migration(migrations.Migration):
    """The audit trail moved to the core app; its table stays where it is."""

    dependencies = [("clinic", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")]),
    ]
