"""What each public education page shows, built in a fixed number of queries and cached.

A page is a snapshot: the template context plus the validators (ETag, Last-Modified)
that let browsers and proxies revalidate instead of downloading the page again.
Staff previews are built the same way but never cached, so editors see their
changes (and drafts) immediately.

Every page is built for one language. A list in Spanish shows each article's Spanish version
and, where there is none yet, the English one, marked as English (``article.language``). An
article page in Spanish with no Spanish version says so and links to the English article.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from education import caching
from education.models import ORIGINAL_LANGUAGE, Article, Topic


@dataclass(frozen=True)
class Page:
    context: dict
    etag: str
    last_modified: datetime | None


def _etag(*parts):
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def localize_topic(topic, language):
    """Give ``topic`` the name and description to show in ``language``, and the language each is in."""
    topic.display_name, topic.display_name_language = topic.name_in(language)
    topic.display_description, topic.display_description_language = topic.description_in(language)
    return topic


def localize_topic_of(article, language):
    localize_topic(article.topic, language)
    return article


def prefer_language(articles, language):
    """One article per slug: the version in ``language`` when there is one, else the English original."""
    chosen = {}
    for article in articles:
        if article.language not in (language, ORIGINAL_LANGUAGE):
            continue
        current = chosen.get(article.slug)
        if current is None or article.language == language:
            chosen[article.slug] = article
    return [article for article in articles if chosen.get(article.slug) is article]


def _topics_with_articles(language, topics=None):
    topics = (topics if topics is not None else Topic.objects.all()).prefetch_related(
        Prefetch("articles", queryset=Article.objects.published(), to_attr="all_published_articles")
    )
    topics = [localize_topic(topic, language) for topic in topics]
    for topic in topics:
        topic.published_articles = prefer_language(topic.all_published_articles, language)
        # Articles in the page's language first, then those only in English; each group by title.
        topic.published_articles.sort(key=lambda article: (article.language != language, article.title))
        for article in topic.published_articles:
            # Computed now so that the cached copy carries it.
            article.word_count  # noqa: B018
    return [topic for topic in topics if topic.published_articles]


def _stamp(objects):
    objects = list(objects)
    return max(obj.updated_at for obj in objects), tuple(
        (type(obj).__name__, obj.pk, obj.updated_at) for obj in objects
    )


# --- Index ------------------------------------------------------------------------------


def index_page(language=None):
    language = language or translation.get_language()
    return caching.get_or_build(f"index:{language}", lambda: _build_index_page(language))


def _build_index_page(language):
    topics = _topics_with_articles(language)
    articles = [article for topic in topics for article in topic.published_articles]
    if not topics:
        return Page(context={"topics": [], "article_count": 0}, etag=_etag("empty", language), last_modified=None)
    last_modified, stamp = _stamp([*topics, *articles])
    return Page(
        context={"topics": topics, "article_count": len(articles)},
        etag=_etag("index", language, stamp),
        last_modified=last_modified,
    )


# --- Topic ------------------------------------------------------------------------------


def topic_page(slug, language=None):
    language = language or translation.get_language()
    return caching.get_or_build(f"topic:{language}:{slug}", lambda: _build_topic_page(slug, language))


def _build_topic_page(slug, language):
    # A topic without published articles has no page (and is not in the sitemap).
    topics = _topics_with_articles(language, Topic.objects.filter(slug=slug))
    if not topics:
        return None
    topic = topics[0]
    last_modified, stamp = _stamp([topic, *topic.published_articles])
    return Page(context={"topic": topic}, etag=_etag("topic", language, stamp), last_modified=last_modified)


# --- Article ----------------------------------------------------------------------------


def article_page(slug, *, user=None, language=None):
    """The article page; ``None`` when there is nothing this visitor may see.

    With a staff ``user``, drafts are included and nothing is cached. In a language with no
    version of the article, the page says so and points to the English original
    (``context["untranslated"]``).
    """
    language = language or translation.get_language()
    if user is not None and user.is_active and user.is_staff:
        return _build_article_page(Article.objects.visible_to(user), slug, language)
    return caching.get_or_build(
        f"article:{language}:{slug}", lambda: _build_article_page(Article.objects.published(), slug, language)
    )


def _versions(articles):
    """(language, address) of each version given, in the order of settings.LANGUAGES."""
    languages = {article.language for article in articles}
    out = []
    for code, _name in settings.LANGUAGES:
        if code in languages:
            with translation.override(code):
                out.append((code, reverse("education:article", kwargs={"slug": articles[0].slug})))
    return out


def _build_article_page(queryset, slug, language):
    # Every version in one go (the prefetches cover them all): the page needs to know which exist.
    by_language = {article.language: article for article in queryset.for_page().filter(slug=slug)}
    if not by_language:
        return None
    versions = _versions(list(by_language.values()))
    article = by_language.get(language)
    if article is None:
        return _build_untranslated_page(by_language.get(ORIGINAL_LANGUAGE), language, versions)
    references = list(article.references.all())
    review = article.review_status()
    related = prefer_language(article.published_related, language)
    for other in related:
        other.word_count  # noqa: B018  (computed now so that the cached copy carries it)
    canonical_url = settings.SITE_URL + article.get_absolute_url()
    topic = localize_topic(article.topic, language)
    last_modified, stamp = _stamp([article, article.topic, *related])
    return Page(
        context={
            "article": article,
            "versions": versions,
            "topic": topic,
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
            language,
            tuple(versions),
            stamp,
            tuple((ref.pk, ref.citation, ref.url, ref.position) for ref in references),
            _review_stamp(review),
        ),
        last_modified=last_modified,
    )


def _build_untranslated_page(original, language, versions):
    if original is None or language == ORIGINAL_LANGUAGE:
        return None
    topic = localize_topic(original.topic, language)
    last_modified, stamp = _stamp([original, original.topic])
    return Page(
        context={"untranslated": True, "original": original, "topic": topic, "versions": versions},
        etag=_etag("untranslated", language, tuple(versions), stamp),
        last_modified=last_modified,
    )


def _review_stamp(review):
    if not review.is_current:
        return (review.state.value, review.last_reviewed)
    reviewer = review.approval.reviewer
    return (review.state.value, review.last_reviewed, reviewer.pk, reviewer.name, reviewer.credentials)


def _article_json_ld(article, references, canonical_url, review):
    """schema.org data; it names a reviewer only when that person approved this exact version."""
    with translation.override(article.language):
        learn_url = settings.SITE_URL + reverse("education:index")
        topic_url = settings.SITE_URL + article.topic.get_absolute_url()
        learn_name = gettext("Learn")
    topic_name, _ = article.topic.name_in(article.language)
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": canonical_url,
        "inLanguage": article.language,
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients"},
        "about": {"@type": "MedicalCondition", "name": "Depression"},
        "dateModified": article.updated_at.isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": settings.CLINIC_NAME, "url": settings.SITE_URL + "/"},
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": learn_name, "item": learn_url},
                {"@type": "ListItem", "position": 2, "name": topic_name, "item": topic_url},
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
