from django.apps import AppConfig


def _article(slug):
    from education.models import Article

    found = Article.objects.filter(slug=slug).only("title", "slug").first()
    return (found.title, found.get_absolute_url()) if found else None


class ClinicsiteConfig(AppConfig):
    """The clinic's identity (name, logo, colours) and its own pages: team, locations,
    insurance and costs, questions, contact."""

    name = "clinicsite"
    verbose_name = "Clinic website"

    def ready(self):
        # Staff see the title of the article a request came from (booking knows only its slug).
        from booking.sources import source_article_lookup_register

        source_article_lookup_register(_article)
