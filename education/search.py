"""Search across articles: full-text search on PostgreSQL, a plain substring match elsewhere.

Laptops run SQLite, which has no comparable built-in; the handful of articles makes a
substring match good enough there.
"""

from django.db import connection
from django.db.models import Q

MAX_QUERY_LENGTH = 100


def search_articles(queryset, query):
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, query)
    return _substring_search(queryset, query)


def _postgres_search(queryset, query):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    search_query = SearchQuery(query, search_type="websearch", config="english")
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
