"""Sign staff out after a quiet spell, so an unattended screen does not stay open on health data."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed

LAST_SEEN_KEY = "staff_last_seen"
# Saving the session on every page would add a write to each request; a minute is precise enough.
TOUCH_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
            elif last_seen is None or now - last_seen > TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class AdminMethodsMiddleware:
    """The admin answers GET, HEAD and POST only. Its views render a record's page for any other
    method (OPTIONS, TRACE, PUT...), which nothing legitimate sends and which would show health
    data outside the methods its audit and tests reason about."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(settings.ADMIN_PATH_PREFIX) and request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switches off browser features the site never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
