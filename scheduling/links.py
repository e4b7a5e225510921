"""Private links to change or cancel an appointment: the token for the patient, its hash for us."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.tokens import hash_token, new_token, plausible_token
from scheduling.models import Appointment, AppointmentLink, WaitlistOffer, WaitlistOfferLink


def appointment_link_issue(*, appointment: Appointment, email=None) -> str:
    """Create a link and return its token (shown once, never stored).

    An email being retried gets a new link and its earlier one is revoked: the earlier
    one never reached anybody.
    """
    if email is not None:
        AppointmentLink.objects.filter(email=email, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token, token_hash = new_token()
    AppointmentLink.objects.create(appointment=appointment, email=email, token_hash=token_hash)
    return token


def appointment_link_find(token: str) -> AppointmentLink | None:
    """A usable link: not revoked, and its appointment not over (plus SCHEDULING_MANAGE_LINK_HOURS_AFTER),
    so an old email cannot open the appointment's details for ever."""
    if not plausible_token(token):
        return None
    closes = timezone.now() - timedelta(hours=settings.SCHEDULING_MANAGE_LINK_HOURS_AFTER)
    return (
        AppointmentLink.objects.usable()
        .filter(appointment__end__gt=closes)
        .select_related("appointment")
        .filter(token_hash=hash_token(token))
        .first()
    )


def manage_url(token: str) -> str:
    return settings.SITE_URL + reverse("scheduling:manage_start", args=[token])


def offer_link_issue(*, offer: WaitlistOffer, email=None) -> str:
    """A link to claim a waitlist offer, one per message; a retried message revokes its earlier one."""
    if email is not None:
        WaitlistOfferLink.objects.filter(email=email, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token, token_hash = new_token()
    WaitlistOfferLink.objects.create(offer=offer, email=email, token_hash=token_hash)
    return token


def offer_link_find(token: str) -> WaitlistOfferLink | None:
    if not plausible_token(token):
        return None
    return (
        WaitlistOfferLink.objects.filter(revoked_at__isnull=True, token_hash=hash_token(token))
        .select_related("offer")
        .first()
    )


def offer_url(token: str) -> str:
    return settings.SITE_URL + reverse("scheduling:offer_start", args=[token])
