from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from education.models import Article, Topic


class SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL, the same as the pages' canonical links, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class LearnIndexSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["education:index"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.filter(Exists(Article.objects.published().filter(topic=OuterRef("pk"))))

    def lastmod(self, topic):
        return topic.updated_at


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().order_by("slug")

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {"learn": LearnIndexSitemap, "topics": TopicSitemap, "articles": ArticleSitemap}
