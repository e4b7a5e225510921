"""Cached values that are all forgotten at once when what they are built from changes.

Every key carries a version kept in the shared cache; bumping the version makes every value
built from the old data unreachable on every web machine together. A cache that is down or
hung is a miss, never an error (see core.outage): values are then built on every call.
"""

import uuid

from django.db import transaction

from core.outage import cache_get, cache_set


class VersionedCache:
    def __init__(self, namespace: str, *, timeout):
        self.namespace = namespace
        self._version_key = f"{namespace}:version"
        # Seconds, or a callable returning seconds (read from settings at call time).
        self._timeout = timeout

    @property
    def timeout(self):
        return self._timeout() if callable(self._timeout) else self._timeout

    def version(self) -> str:
        version = cache_get(self._version_key)
        if version is None:
            version = uuid.uuid4().hex
            cache_set(self._version_key, version, None)
        return version

    def invalidate(self) -> None:
        """Forget every value now, and again once the surrounding transaction commits.

        Now, so the same request or test sees its change; after the commit, because another
        request may have cached the old data in between.
        """
        self._bump()
        transaction.on_commit(self._bump)

    def _bump(self):
        cache_set(self._version_key, uuid.uuid4().hex, None)

    def get_or_build(self, name: str, build, *, fresh: bool = False):
        """The cached value for ``name``, built and stored on a miss (or when ``fresh``).
        ``None`` is never stored."""
        key = f"{self.namespace}:{self.version()}:{name}"
        value = None if fresh else cache_get(key)
        if value is None:
            value = build()
            if value is not None:
                cache_set(key, value, self.timeout)
        return value
