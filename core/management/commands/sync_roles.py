from django.core.management.base import BaseCommand

from core.roles import COORDINATOR_PERMISSIONS, coordinator_group_sync


class Command(BaseCommand):
    help = "Create or repair the staff groups with exactly their permissions (idempotent)."

    def handle(self, *args, **options):
        group = coordinator_group_sync()
        expected = sum(len(codenames) for codenames in COORDINATOR_PERMISSIONS.values())
        self.stdout.write(f"{group.name}: {group.permissions.count()} of {expected} permissions.")
