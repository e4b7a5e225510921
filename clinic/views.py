"""Site-wide pages: home, privacy notice, health check."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from clinic.context_processors import clinic

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "clinic/home.html"


class PrivacyView(TemplateView):
    template_name = "clinic/privacy.html"


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


def server_error(request):
    """The 500 page, rendered without the request's context processors (they may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(clinic(request)))
