"""What each public education page shows, built in a fixed number of queries and cached.

A page is a snapshot: the template context plus the validators (ETag, Last-Modified)
that let browsers and proxies revalidate instead of downloading the page again.
Staff previews are built the same way but never cached, so editors see their
changes (and drafts) immediately.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch

from education import caching
from education.models import Article, Topic


@dataclass(frozen=True)
class Page:
    context: dict
    etag: str
    last_modified: datetime | None


def _etag(*parts):
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _topics_with_articles(topics=None):
    topics = (topics if topics is not None else Topic.objects.all()).prefetch_related(
        Prefetch("articles", queryset=Article.objects.published(), to_attr="published_articles")
    )
    topics = [topic for topic in topics if topic.published_articles]
    for topic in topics:
        for article in topic.published_articles:
            # Computed now so that the cached copy carries it.
            article.word_count  # noqa: B018
    return topics


def _stamp(objects):
    objects = list(objects)
    return max(obj.updated_at for obj in objects), tuple(
        (type(obj).__name__, obj.pk, obj.updated_at) for obj in objects
    )


# --- Index ------------------------------------------------------------------------------


def index_page():
    return caching.get_or_build("index", _build_index_page)


def _build_index_page():
    topics = _topics_with_articles()
    articles = [article for topic in topics for article in topic.published_articles]
    if not topics:
        return Page(context={"topics": [], "article_count": 0}, etag=_etag("empty"), last_modified=None)
    last_modified, stamp = _stamp([*topics, *articles])
    return Page(
        context={"topics": topics, "article_count": len(articles)},
        etag=_etag("index", stamp),
        last_modified=last_modified,
    )


# --- Topic ------------------------------------------------------------------------------


def topic_page(slug):
    return caching.get_or_build(f"topic:{slug}", lambda: _build_topic_page(slug))


def _build_topic_page(slug):
    # A topic without published articles has no page (and is not in the sitemap).
    topics = _topics_with_articles(Topic.objects.filter(slug=slug))
    if not topics:
        return None
    topic = topics[0]
    last_modified, stamp = _stamp([topic, *topic.published_articles])
    return Page(context={"topic": topic}, etag=_etag("topic", stamp), last_modified=last_modified)


# --- Article ----------------------------------------------------------------------------


def article_page(slug, *, user=None):
    """The article page; ``None`` when there is nothing this visitor may see.

    With a staff ``user``, drafts are included and nothing is cached.
    """
    if user is not None and user.is_active and user.is_staff:
        return _build_article_page(Article.objects.visible_to(user), slug)
    return caching.get_or_build(f"article:{slug}", lambda: _build_article_page(Article.objects.published(), slug))


def _build_article_page(queryset, slug):
    article = queryset.for_page().filter(slug=slug).first()
    if article is None:
        return None
    references = list(article.references.all())
    review = article.review_status()
    related = article.published_related
    for other in related:
        other.word_count  # noqa: B018  (computed now so that the cached copy carries it)
    canonical_url = settings.SITE_URL + article.get_absolute_url()
    last_modified, stamp = _stamp([article, article.topic, *related])
    return Page(
        context={
            "article": article,
            "topic": article.topic,
            "body_html": article.body_html,
            "reading_minutes": article.reading_minutes,
            "references": references,
            "review": review,
            "reviewer": review.approval.reviewer if review.is_current else None,
            "related_articles": related,
            "canonical_url": canonical_url,
            "json_ld": _article_json_ld(article, references, canonical_url, review),
        },
        # A review that expires changes the page without any edit, so its state is part of the tag.
        etag=_etag(
            "article",
            stamp,
            tuple((ref.pk, ref.citation, ref.url, ref.position) for ref in references),
            _review_stamp(review),
        ),
        last_modified=last_modified,
    )


def _review_stamp(review):
    if not review.is_current:
        return (review.state.value, review.last_reviewed)
    reviewer = review.approval.reviewer
    return (review.state.value, review.last_reviewed, reviewer.pk, reviewer.name, reviewer.credentials)


def _article_json_ld(article, references, canonical_url, review):
    """schema.org data; it names a reviewer only when that person approved this exact version."""
    learn_url = settings.SITE_URL + "/learn/"
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": canonical_url,
        "inLanguage": "en",
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients"},
        "about": {"@type": "MedicalCondition", "name": "Depression"},
        "dateModified": article.updated_at.isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": settings.CLINIC_NAME, "url": settings.SITE_URL + "/"},
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Learn", "item": learn_url},
                {
                    "@type": "ListItem",
                    "position": 2,
                    "name": article.topic.name,
                    "item": settings.SITE_URL + article.topic.get_absolute_url(),
                },
                {"@type": "ListItem", "position": 3, "name": article.title, "item": canonical_url},
            ],
        },
        "citation": [{"@type": "CreativeWork", "name": ref.citation, "url": ref.url} for ref in references],
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if review.is_current:
        reviewer = review.approval.reviewer
        data["lastReviewed"] = review.last_reviewed.isoformat()
        data["reviewedBy"] = {"@type": "Person", "name": reviewer.name, "honorificSuffix": reviewer.credentials}
    return data
