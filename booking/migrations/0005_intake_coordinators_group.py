"""The "Intake coordinators" group, with exactly what coordinators need: read and move
requests through the pipeline, read intakes, trials, emails and the catalog. Deleting
is left to superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Intake coordinators"
PERMISSIONS = [
    "view_consultationrequest",
    "change_consultationrequest",
    "view_intake",
    "view_medicationtrial",
    "view_email",
    "view_requestevent",
    "view_medication",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    config = apps.get_app_config("booking")
    config.models_module = True  # the migration state's app config lacks it
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="booking", codename__in=PERMISSIONS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_requestevent"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
