"""Site-wide responses every deployment needs: the health check and the 500 page."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.context_processors import clinic

logger = logging.getLogger(__name__)


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Health check: the database did not answer.")
        return False


def _redis_answers():
    if not settings.REDIS_URL:
        return True
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        logger.warning("Health check: Redis did not answer.")
        return False


@never_cache
def health(request):
    """200 when the database (and Redis, when configured) answer; 503 otherwise.

    The body says only "ok" or "unavailable": which dependency failed is in the log,
    not in a public response.
    """
    healthy = _database_answers() and _redis_answers()
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)


def _bare_context(request):
    """What the 400 and 500 pages are given instead of the context processors: the clinic's details
    and the language the address asked for (LocaleMiddleware has chosen it), so /es/ errors are Spanish."""
    return {**clinic(request), "LANGUAGE_CODE": translation.get_language()}


def bad_request(request, exception=None):
    """The 400 page. The request may be what is wrong (a forged Host header), so only the
    clinic's details are given to the template, as for the 500 page."""
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render(_bare_context(request)))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without its security token (an old tab, cookies off): say how to send it again."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """The 500 page, rendered without the request's context processors (they may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(_bare_context(request)))


@require_safe
def robots_txt(request):
    """Crawlers are kept out of the staff pages and the private pages reached by personal links
    (``ROBOTS_DISALLOW`` lists them, so this module names no app's addresses)."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in settings.ROBOTS_DISALLOW),
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
