"""Load the content shipped in the repository (articles, medication catalog, payer policies).

Safe to run on every start: each loader adds what is missing and never overwrites
what staff have edited in the admin.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# recompute_screenings comes last: summaries written by older rules (an older SUMMARY_VERSION)
# are recomputed once, with the catalog and policies just loaded; it does nothing otherwise.
LOADERS = [
    "sync_roles",
    "load_articles",
    "load_medications",
    "load_policies",
    "load_site_examples",
    "recompute_screenings",
]


class Command(BaseCommand):
    help = "Load the articles and reference data shipped with the project (idempotent)."

    def handle(self, *args, **options):
        for name in LOADERS:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
