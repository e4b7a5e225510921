"""A small per-address rate limit on the shared cache.

It fails open: when the cache (Redis) is down, patients can still reach us, which
matters more than stopping a burst of spam for a few minutes.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

from core.outage import redis_breaker

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        # The right-most address is the one our own proxy added; the rest can be forged.
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request; True when the address has gone over the limit in this window."""
    # Addresses are hashed so that the cache holds no raw IPs.
    address = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{address}:{int(time.time() // window_seconds)}"
    if redis_breaker.is_open:
        return False
    try:
        cache.add(key, 0, timeout=window_seconds + 5)
        count = cache.incr(key)
    except Exception as exc:
        redis_breaker.trip()
        logger.warning("Rate limit skipped: the cache did not answer (%s).", type(exc).__name__)
        return False
    return count > limit
