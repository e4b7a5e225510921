"""The cache behind the public education pages.

Every key carries a content version. Any change to a topic, article or reference
replaces the version, so every page built from the old content is ignored at once
(a changed title also shows in lists, related links and topic pages). The version
lives in the shared cache, so all web machines see the change together.

A cache that is down or hung is a miss, never an error: the pages are then built on every
visit. (An edit made while Redis was unreachable may show only once its pages expire.)
"""

import uuid

from django.conf import settings
from django.db import transaction

from clinic.outage import cache_get, cache_set

VERSION_KEY = "education:version"


def cache_seconds():
    return settings.EDUCATION_CACHE_SECONDS


def content_version():
    version = cache_get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache_set(VERSION_KEY, version, None)
    return version


def invalidate():
    """Forget every cached education page, now and again once the change is committed.

    Now, so the same request or test sees its change; after the commit, because a
    visitor may have cached the old content in between.
    """
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    cache_set(VERSION_KEY, uuid.uuid4().hex, None)


def get_or_build(name, build):
    """The cached value for ``name``, built and stored on a miss. ``None`` is never stored."""
    key = f"education:{content_version()}:{name}"
    value = cache_get(key)
    if value is None:
        value = build()
        if value is not None:
            cache_set(key, value, cache_seconds())
    return value
