"""A small per-address rate limit on the shared cache.

It fails open: when the cache (Redis) is down, patients can still reach us, which
matters more than stopping a burst of spam for a few minutes.
"""

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from core.outage import redis_breaker

logger = logging.getLogger(__name__)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_ip(request) -> str:
    """The client's address. The forwarded header counts only when the connection comes from one
    of our own proxies (TRUSTED_PROXIES); anyone else could write whatever they like in it."""
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if not header or not _trusted(remote):
        return remote
    # Each proxy appends the address it saw: walk back past our own proxies to the first one
    # they did not add; anything further left was written by the client.
    for address in reversed([a.strip() for a in request.META.get(header, "").split(",") if a.strip()]):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote
        if not _trusted(address):
            return address
    return remote


def rate_key(address: str) -> str:
    """One key per IPv4 address, one per IPv6 /64: a single IPv6 connection usually holds a
    whole /64, so counting addresses one by one would let it through at will."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request; True when the address has gone over the limit in this window."""
    # Addresses are hashed so that the cache holds no raw IPs.
    address = hashlib.sha256(f"{settings.SECRET_KEY}:{rate_key(client_ip(request))}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{address}:{int(time.time() // window_seconds)}"
    if redis_breaker.is_open:
        return False
    try:
        count = _count(key, timeout=window_seconds + 5)
    except Exception as exc:
        redis_breaker.trip()
        logger.warning("Rate limit skipped: the cache did not answer (%s).", type(exc).__name__)
        return False
    return count > limit


def _count(key: str, *, timeout: int) -> int:
    """Add one to the key's count and return it. On Redis in one round trip: SET ... NX EX starts
    the window only when the key is new (as cache.add does), then INCR; elsewhere with the cache's
    own add and incr."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return pipe.execute()[1]
    cache.add(key, 0, timeout=timeout)
    return cache.incr(key)
