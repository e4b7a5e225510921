"""Private links to change or cancel an appointment: the token for the patient, its hash for us."""

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from booking.links import hash_token
from scheduling.models import Appointment, AppointmentLink


def appointment_link_issue(*, appointment: Appointment, email=None) -> str:
    """Create a link and return its token (shown once, never stored).

    An email being retried gets a new link and its earlier one is revoked: the earlier
    one never reached anybody.
    """
    if email is not None:
        AppointmentLink.objects.filter(email=email, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    AppointmentLink.objects.create(appointment=appointment, email=email, token_hash=hash_token(token))
    return token


def appointment_link_find(token: str) -> AppointmentLink | None:
    if not token or len(token) > 100:
        return None
    return AppointmentLink.objects.usable().select_related("appointment").filter(token_hash=hash_token(token)).first()


def manage_url(token: str) -> str:
    return settings.SITE_URL + reverse("scheduling:manage_start", args=[token])
