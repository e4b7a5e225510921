"""Whole public pages kept in the cache and sent again without rendering.

A page is the same for every visitor who is not signed in (no session, no message waiting):
the articles, topics, the home page, the clinic's own pages, in each language. Such a page is
stored once (its bytes, its headers, a gzip copy) and later visitors get the stored bytes
before sessions, CSRF, authentication or templates run.

What keeps this safe:

- Only addresses listed in ``settings.PAGE_CACHE_PATHS`` are considered, only for GET and
  HEAD without a query string, and only when the visitor sends no cookie but the CSRF cookie
  (a session or a waiting message would change the page).
- A response is stored only when it is a 200 HTML page that sets no cookie, says nothing
  against sharing (``private``, ``no-store``, ``no-cache``) and holds no CSRF token. A page with
  a form (the consultation request) therefore always renders, with its own token.
- Every key carries a version kept in Redis (core.caching.VersionedCache): saving any model
  in ``settings.PAGE_CACHE_MODELS`` (admin, services, the content loader, the shell) replaces
  it. Each process also keeps the pages in memory and rereads the version from Redis at most
  every ``PAGE_CACHE_VERSION_SECONDS`` (1 s): the process that saved an edit shows it on the
  next page, the other processes and machines within that second.
- When Redis is down or hung the cache steps aside: pages are rendered as without it.

The security headers are the same on both paths: the Content-Security-Policy (no nonce, so
the same for everyone) and X-Frame-Options are stored with the page; HSTS, Referrer-Policy,
X-Content-Type-Options, COOP and Permissions-Policy are added by the middleware above this
one, on every response.

Compression (gzip) is applied to these pages only, once when stored. Pages with a CSRF token
or anything personal are never stored, so never compressed here (BREACH needs a secret and
attacker-controlled text in the same compressed response).
"""

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language_from_path

from core.caching import VersionedCache
from core.outage import cache_get, cache_set, redis_breaker

pages = VersionedCache("pagecache", timeout=lambda: settings.PAGE_CACHE_SECONDS)

# Headers that belong to one connection or are recomputed when the page is sent.
_NOT_STORED = {"content-length", "connection", "keep-alive", "transfer-encoding", "date", "set-cookie"}
_REFUSING = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)
# What a 304 repeats of the page's headers (RFC 9110, 15.4.5), and the policies of this site.
_KEPT_ON_304 = {"cache-control", "vary", "expires", "content-location", "content-security-policy", "x-frame-options"}
# Smaller pages gain nothing from compression.
_GZIP_MIN_BYTES = 200
# What a stored page was answered from, for operators (curl -I) and the nginx in front.
STATUS_HEADER = "X-Page-Cache"


class _Memory:
    """The pages this process served last, by full key (version included), oldest dropped first."""

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > settings.PAGE_CACHE_MEMORY_PAGES:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


memory = _Memory()
_release = None


def release() -> str:
    """What this deployment renders with: a new template, translation or static file build
    gives new keys, so a page stored by the previous release is never sent by this one."""
    global _release
    if _release is None:
        digest = hashlib.sha256(settings.PAGE_CACHE_RELEASE.encode())
        roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
        roots += [Path(p) for p in settings.LOCALE_PATHS]
        for root in roots:
            for path in sorted(root.rglob("*")):
                if path.suffix in {".html", ".txt", ".mo"} and path.is_file():
                    digest.update(path.as_posix().encode())
                    digest.update(path.read_bytes())
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if manifest.is_file():
            digest.update(manifest.read_bytes())
        _release = digest.hexdigest()[:16]
    return _release


# The version as this process last read it, and when (time.monotonic()).
_seen = {"version": None, "at": float("-inf")}


def _current_version():
    """The version in Redis, or None when Redis cannot be asked (the cache then steps aside).

    Read again at most every PAGE_CACHE_VERSION_SECONDS: a round trip to Redis on every page
    would cost more than sending the page. An edit made through this process is seen at once
    (invalidate() forgets the version read); other processes see it within that time."""
    now = time.monotonic()
    if _seen["version"] is not None and now - _seen["at"] < settings.PAGE_CACHE_VERSION_SECONDS:
        return _seen["version"]
    version = cache_get(pages._version_key)
    if version is None:
        if redis_breaker.is_open:
            _forget_version()
            return None
        version = pages.version()  # first use: create it
        if redis_breaker.is_open:
            _forget_version()
            return None
    _seen.update(version=version, at=now)
    return version


def _forget_version():
    _seen.update(version=None, at=float("-inf"))


def _path_allowed(path: str) -> bool:
    return any(pattern.match(path) for pattern in _patterns())


_compiled = None


def _patterns():
    global _compiled
    if _compiled is None or _compiled[0] is not settings.PAGE_CACHE_PATHS:
        _compiled = (settings.PAGE_CACHE_PATHS, [re.compile(p) for p in settings.PAGE_CACHE_PATHS])
    return _compiled[1]


# (scheme, host, path) -> key ("" when the address is not for the cache): hashing and matching
# the patterns cost more than sending a stored page. Emptied when it grows (any path can be asked).
_keys = {}
_KEYS_MAX = 4096


def request_key(request):
    """The key of the page this request asks for, or None when it must be rendered."""
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return None
    meta = request.META
    if meta.get("QUERY_STRING") or "HTTP_AUTHORIZATION" in meta:
        return None
    if meta.get("HTTP_COOKIE") and any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return None
    # The Host header as sent: a host Django refuses is answered 400 and never stored, so its key
    # finds nothing and the request goes on to that refusal.
    where = (request.scheme, meta.get("HTTP_HOST", ""), request.path)
    key = _keys.get(where)
    if key is None:
        scheme, host, path = where
        key = ""
        if _path_allowed(path):
            language = get_language_from_path(path) or settings.LANGUAGE_CODE
            text = f"{scheme}://{host.lower()}{path}|{language}|{release()}"
            key = hashlib.sha256(text.encode()).hexdigest()[:32]
        if len(_keys) >= _KEYS_MAX:
            _keys.clear()
        _keys[where] = key
    return key or None


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if _REFUSING.search(response.get("Cache-Control", "")):
        return False
    # The page asked for a CSRF token (a form, or a token in a script's data): never shared.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in response.content:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _entry_from(response):
    body = response.content
    # From the bytes sent, not the view's: a view's validator may not cover the brand or language.
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    # Both forms of the page say so, or a shared cache could hand gzip to a client without it.
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED and k.lower() != "etag"]
    compressed = None
    if len(body) >= _GZIP_MIN_BYTES:
        compressed = gzip.compress(body, compresslevel=9, mtime=0)
        if len(compressed) >= len(body):
            compressed = None
    return {"headers": headers, "body": body, "gzip": compressed, "etag": etag}


class _Prepared:
    """A stored page made ready to send: each form's headers checked and encoded once per
    process, not on every request."""

    def __init__(self, entry):
        self.last_modified = parse_http_date_safe(dict(entry["headers"]).get("Last-Modified", ""))
        self.identity = self._form(entry, entry["body"], entry["etag"], None)
        self.gzip = None
        if entry["gzip"] is not None:
            self.gzip = self._form(entry, entry["gzip"], _gzip_etag(entry["etag"]), "gzip")

    @staticmethod
    def _form(entry, body, etag, encoding):
        full = HttpResponse()
        for name, value in entry["headers"]:
            full.headers[name] = value
        full.headers["ETag"] = etag
        full.headers["Content-Length"] = str(len(body))
        if encoding:
            full.headers["Content-Encoding"] = encoding
        not_modified = HttpResponse()
        for name, value in entry["headers"]:
            if name.lower() in _KEPT_ON_304:
                not_modified.headers[name] = value
        not_modified.headers["ETag"] = etag
        return body, etag, list(full.headers.items()), list(not_modified.headers.items())


def _gzip_etag(etag: str) -> str:
    # A different representation needs a different validator (RFC 9110, 8.8.3).
    return etag[:-1] + '-gzip"'


def _accepts_gzip(request) -> bool:
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = re.search(r"q\s*=\s*([\d.]+)", params)
            return not q or float(q.group(1)) > 0
    return False


def response_from(request, prepared, status: str):
    form = prepared.gzip if prepared.gzip is not None and _accepts_gzip(request) else prepared.identity
    body, etag, headers, not_modified_headers = form
    answer = None
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        # Django's own rules (If-None-Match first, weak comparison, then If-Modified-Since).
        answer = get_conditional_response(request, etag=etag, last_modified=prepared.last_modified)
    if answer is not None:
        _copy_headers(answer, not_modified_headers)
    else:
        answer = HttpResponse(b"" if request.method == "HEAD" else body)
        _copy_headers(answer, headers)
    answer.headers[STATUS_HEADER] = status
    return answer


def _copy_headers(response, items):
    # Already checked and encoded by _Prepared: stored as they are, without Django's per-header
    # checks (ResponseHeaders keeps lower-cased name -> (name, value)).
    store = response.headers._store
    for name, value in items:
        store[name.lower()] = (name, value)


class PageCacheMiddleware:
    """Answers public pages from the cache; stores what it rendered for the next visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        version = _current_version() if key else None
        if version is None:
            return self.get_response(request)
        full_key = f"pagecache:{version}:{key}"
        prepared = memory.get(full_key)
        if prepared is None:
            entry = cache_get(full_key)
            if entry is not None:
                prepared = _Prepared(entry)
                memory.put(full_key, prepared)
        if prepared is not None:
            return response_from(request, prepared, "hit")

        response = self.get_response(request)
        if not _storable(request, response):
            return response
        entry = _entry_from(response)
        cache_set(full_key, entry, pages.timeout)
        prepared = _Prepared(entry)
        memory.put(full_key, prepared)
        # This visitor gets the stored form too, so the first and later answers match.
        return response_from(request, prepared, "stored")


def invalidate():
    """Forget every stored page (on every web machine: the version lives in Redis)."""
    pages.invalidate()  # now, and again after the commit
    _forget_version()
    transaction.on_commit(_forget_version)


def reset():
    """A fresh start for this process and every other: no stored page is used again."""
    memory.clear()
    _keys.clear()
    pages._bump()
    _forget_version()


def _content_changed(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return
    watched = settings.PAGE_CACHE_MODELS
    if meta.app_label in watched or meta.label_lower in watched:
        invalidate()


def connect_signals():
    """Every write path that goes through the ORM's save/delete (admin, services, the loader,
    the shell, fixtures) replaces the version; bulk ``update()`` calls must call invalidate()."""
    post_save.connect(_content_changed, dispatch_uid="pagecache-save")
    post_delete.connect(_content_changed, dispatch_uid="pagecache-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="pagecache-m2m")
    # Settings change only in tests (override_settings); a page built under the old ones is old.
    setting_changed.connect(_settings_changed, dispatch_uid="pagecache-settings")


def _settings_changed(**kwargs):
    global _release
    reset()
    if kwargs.get("setting") in ("TEMPLATES", "LOCALE_PATHS", "STATIC_ROOT", "PAGE_CACHE_RELEASE"):
        _release = None
