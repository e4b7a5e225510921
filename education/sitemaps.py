from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import translation

from education.models import ORIGINAL_LANGUAGE, Article, Topic

# The sitemap lists a Spanish list page only where it shows at least one Spanish article: a page
# of English titles under Spanish headings is not a Spanish page a search engine should offer.


class SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL, the same as the pages' canonical links, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _languages_with_articles():
    found = set(Article.objects.published().values_list("language", flat=True).distinct())
    return [code for code, _name in settings.LANGUAGES if code in found]


class LearnIndexSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return _languages_with_articles()

    def location(self, language):
        with translation.override(language):
            return reverse("education:index")

    def lastmod(self, language):
        articles = Article.objects.published().filter(language__in={language, ORIGINAL_LANGUAGE})
        return articles.aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        items = []
        for language in _languages_with_articles():
            in_language = Article.objects.published().filter(language=language, topic=OuterRef("pk"))
            items += [(topic, language) for topic in Topic.objects.filter(Exists(in_language))]
        return items

    def location(self, item):
        topic, language = item
        with translation.override(language):
            return topic.get_absolute_url()

    def lastmod(self, item):
        return item[0].updated_at


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        # Every published version, each at its own address (Article.get_absolute_url knows its language).
        return Article.objects.published().order_by("slug", "language")

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {"learn": LearnIndexSitemap, "topics": TopicSitemap, "articles": ArticleSitemap}
