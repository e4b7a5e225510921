"""Recompute stored screening summaries.

Without options, only summaries written by older rules (an older SUMMARY_VERSION): safe and
quick on every start, so ``load_initial_content`` runs it. ``--all`` recomputes every summary.
"""

from django.core.management.base import BaseCommand

from booking import services


class Command(BaseCommand):
    help = "Recompute screening summaries written by older rules (or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every summary.")

    def handle(self, *args, **options):
        count = services.screenings_recompute(only_outdated=not options["all"])
        self.stdout.write(f"Screening summaries recomputed: {count}.")
