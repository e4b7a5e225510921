from django.core.management.base import BaseCommand

from education.loader import load_articles


class Command(BaseCommand):
    help = "Add the education articles shipped with the project. Existing articles (by slug) are never changed."

    def handle(self, *args, **options):
        result = load_articles()
        self.stdout.write(
            f"Education: {len(result.topics_created)} topics and {len(result.articles_created)} articles added, "
            f"{len(result.articles_kept)} existing articles left as they are."
        )
