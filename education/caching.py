"""The cache behind the public education pages.

Every key carries a content version. Any change to a topic, article or reference
replaces the version, so every page built from the old content is ignored at once
(a changed title also shows in lists, related links and topic pages). The version
lives in the shared cache, so all web machines see the change together.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "education:version"


def cache_seconds():
    return settings.EDUCATION_CACHE_SECONDS


def content_version():
    return cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def invalidate():
    """Forget every cached education page, now and again once the change is committed.

    Now, so the same request or test sees its change; after the commit, because a
    visitor may have cached the old content in between.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def get_or_build(name, build):
    """The cached value for ``name``, built and stored on a miss. ``None`` is never stored."""
    key = f"education:{content_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, timeout=cache_seconds())
    return value
