from django.apps import AppConfig
from django.utils import translation


def _article(slug):
    from education.models import Article

    found = Article.objects.filter(slug=slug).only("title", "slug").first()
    return (found.title, found.get_absolute_url()) if found else None


def _details_in_language(details):
    # The opening hours the clinic wrote in the active language, for emails and texts as for pages.
    from clinicsite.brand import brand_get
    from clinicsite.translations import TWIN_SUFFIX

    suffix = TWIN_SUFFIX.get((translation.get_language() or "").split("-")[0])
    hours = brand_get().get("hours" + suffix) if suffix else ""
    return {"hours": hours} if hours else {}


class ClinicsiteConfig(AppConfig):
    """The clinic's identity (name, logo, colours) and its own pages: team, locations,
    insurance and costs, questions, contact."""

    name = "clinicsite"
    verbose_name = "Clinic website"

    def ready(self):
        # Staff see the title of the article a request came from (booking knows only its slug).
        from booking.sources import source_article_lookup_register

        source_article_lookup_register(_article)

        from core.context_processors import clinic_details_localiser_register

        clinic_details_localiser_register(_details_in_language)
