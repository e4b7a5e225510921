import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The table was created there; this only records the model here.
        ("clinic", "0002_move_auditevent_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("username", models.CharField(blank=True, max_length=150)),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("view", "Viewed"),
                                    ("change", "Changed"),
                                    ("export", "Exported"),
                                    ("login", "Signed in"),
                                    ("login_failed", "Failed sign-in"),
                                    ("logout", "Signed out"),
                                ],
                                db_index=True,
                                max_length=20,
                            ),
                        ),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("object_type", models.CharField(blank=True, max_length=100)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("summary", models.CharField(blank=True, max_length=300)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "clinic_auditevent",
                        "ordering": ["-at"],
                        "indexes": [
                            models.Index(fields=["object_type", "object_id"], name="clinic_audi_object__8f3e91_idx")
                        ],
                    },
                ),
            ]
        ),
    ]
