"""Intake coordinators (the group booking's migrations create) see the agenda and move,
cancel and close appointments; setting up types, locations and hours stays with administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Intake coordinators"
PERMISSIONS = [
    "view_appointment",
    "change_appointment",
    "view_appointmentchange",
    "view_consultationtype",
    "view_location",
    "view_availability",
    "view_availabilityexception",
]


def grant(apps, schema_editor):
    config = apps.get_app_config("scheduling")
    config.models_module = True  # the migration state's app config lacks it
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="scheduling", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="scheduling", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0002_no_overlapping_appointments"),
        ("booking", "0005_intake_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
