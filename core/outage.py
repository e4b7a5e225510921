"""Remember, for a short while, that a dependency just failed.

While Redis is down or hung, each call to it costs a socket timeout. After one
failure we skip it for a cooldown instead of making every patient wait again;
what was skipped is caught up later (the email sweep) or was optional (the rate
limit fails open).
"""

import time


class CircuitBreaker:
    def __init__(self, cooldown_seconds: float):
        self.cooldown_seconds = cooldown_seconds
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self):
        self._open_until = time.monotonic() + self.cooldown_seconds

    def reset(self):
        self._open_until = 0.0


# One per process for Redis, shared by the broker and the cache.
redis_breaker = CircuitBreaker(cooldown_seconds=30)


def cache_get(key, default=None):
    """A cache read that treats a down or hung Redis as a miss."""
    from django.core.cache import cache

    if redis_breaker.is_open:
        return default
    try:
        return cache.get(key, default)
    except Exception:
        redis_breaker.trip()
        return default


def cache_set(key, value, timeout):
    """A cache write that is skipped while Redis is down; the value is only a shortcut."""
    from django.core.cache import cache

    if redis_breaker.is_open:
        return
    try:
        cache.set(key, value, timeout)
    except Exception:
        redis_breaker.trip()
