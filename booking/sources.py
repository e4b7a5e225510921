"""Where a request came from, in words staff read: the article's title rather than its slug.

Booking knows articles only by slug (education sits beside it, not below); the app that wires
both registers a lookup here (clinicsite.apps)."""

from collections.abc import Callable

# slug -> (title, public address), or None for an article that is not there.
ArticleLookup = Callable[[str], tuple[str, str] | None]
_lookups: list[ArticleLookup] = []


def source_article_lookup_register(lookup: ArticleLookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def source_article_shown(slug: str) -> dict | None:
    """``{"title", "url"}`` for the article a request was sent from; the slug alone when no
    lookup knows it; None without a slug."""
    if not slug:
        return None
    for lookup in _lookups:
        found = lookup(slug)
        if found:
            return {"title": found[0], "url": found[1]}
    return {"title": slug, "url": ""}
