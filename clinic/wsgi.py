import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: a web process that could tell a patient in crisis "the team
# knows" while no one would be alerted must not start (booking/checks.py).
from booking.checks import urgent_alert_recipient_check  # noqa: E402

if errors := [error for error in urgent_alert_recipient_check(None) if error.is_serious()]:
    raise ImproperlyConfigured("; ".join(f"{error.id}: {error.msg}" for error in errors))
