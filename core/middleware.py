"""Sign staff out after a quiet spell, so an unattended screen does not stay open on health data."""

import time

from django.conf import settings
from django.contrib.auth import logout

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
