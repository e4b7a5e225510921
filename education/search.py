"""Search across articles: full-text search on PostgreSQL, a plain substring match elsewhere.

Laptops run SQLite, which has no comparable built-in; the handful of articles makes a
substring match good enough there.
"""

from django.db import connection
from django.db.models import Q

MAX_QUERY_LENGTH = 100
# PostgreSQL's text search configurations: each stems words by its own language's rules
# ("tratamientos" finds "tratamiento"); "simple" only lowercases.
SEARCH_CONFIGS = {"en": "english", "es": "spanish"}


def search_articles(queryset, query, language="en"):
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, query, SEARCH_CONFIGS.get(language, "simple"))
    return _substring_search(queryset, query)


def _postgres_search(queryset, query, config):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "title")
    )


def _substring_search(queryset, query):
    # Every word must appear somewhere, as a full-text search would require.
    condition = Q()
    for word in query.split():
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    return queryset.filter(condition).order_by("title")
