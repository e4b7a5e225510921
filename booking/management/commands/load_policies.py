"""Load the payer policies shipped in booking/data/policies.json, and the carriers that use them.

Adds what is missing and leaves existing rows alone, so policies staff edited in the admin are
never overwritten.
"""

from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = "Add missing payer policies and carrier mappings (idempotent; keeps staff edits)."

    def handle(self, *args, **options):
        policies, carriers = services.payer_policies_load()
        self.stdout.write(f"Payer policies: {policies} added; carrier mappings: {carriers} added.")
