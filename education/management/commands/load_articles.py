from django.core.management.base import BaseCommand

from education.loader import load_articles


class Command(BaseCommand):
    help = (
        "Add the education articles shipped with the project. Existing articles (by slug) are kept as staff "
        "left them, unless one is still exactly an older shipped version: that one is brought up to date."
    )

    def handle(self, *args, **options):
        result = load_articles()
        self.stdout.write(
            f"Education: {len(result.topics_created)} topics and {len(result.articles_created)} articles added, "
            f"{len(result.articles_updated)} unedited older versions brought up to date, "
            f"{len(result.articles_kept)} existing articles left as they are."
        )
