"""A new consultation request."""

import logging
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import crisis
from booking.models import ConsultationRequest, Email
from booking.services import links, texts
from booking.services.emails import email_queue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreatedRequest:
    request: ConsultationRequest
    # The intake link for the browser that sent the request (None for a repeated submission).
    browser_link_id: int | None
    created: bool


def consultation_request_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone,
    date_of_birth: date,
    preferred_contact: str,
    best_times: list[str],
    interest: str,
    has_prescriber: str,
    insurance_carrier: str = "",
    heard_about: str = "",
    message: str = "",
    consent_to_contact: bool,
    source_article: str = "",
    submission_token: UUID | None = None,
    sms_consent_text: str = "",
    language: str = "en",
) -> CreatedRequest:
    """Save a request, open the intake to the browser that sent it, and queue the two notices
    (the patient's carries its own private link).

    A second call with the same ``submission_token`` (a double click, a refresh)
    returns the first request instead of creating another. ``sms_consent_text``, the consent
    words the patient ticked, records their yes to reminder texts.
    """
    request = ConsultationRequest(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        date_of_birth=date_of_birth,
        preferred_contact=preferred_contact,
        best_times=best_times,
        interest=interest,
        has_prescriber=has_prescriber,
        insurance_carrier=insurance_carrier,
        heard_about=heard_about,
        message=message,
        consent_to_contact=consent_to_contact,
        privacy_acknowledged_at=timezone.now(),
        source_article=source_article,
        submission_token=submission_token,
        language=language,
    )
    # A crisis phrase in the message asks a staff member to read it (booking/crisis.py).
    request.free_text_flags = crisis.free_text_flags(message)
    request.free_text_review = bool(request.free_text_flags)
    # Uniqueness is left to the database: a repeated submission (a double click, a refresh, a twin
    # committing meanwhile) shows up as the IntegrityError handled below, not as a validation
    # error. Not looking first saves a query on every new request, which is nearly all of them.
    request.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            request.save()
            link = links.intake_link_for_this_browser(request=request)
            if sms_consent_text:
                texts.sms_consent_record(request=request, text=sms_consent_text)
            email_queue(request=request, kind=Email.Kind.REQUEST_RECEIVED)
            email_queue(request=request, kind=Email.Kind.STAFF_NEW_REQUEST)
    except IntegrityError:
        # The same form was sent before (or at the same moment); the first one stands.
        existing = ConsultationRequest.objects.filter(submission_token=submission_token).first()
        if submission_token is None or existing is None:
            raise
        return CreatedRequest(request=existing, browser_link_id=None, created=False)
    logger.info("Consultation request %s created.", request.pk)
    return CreatedRequest(request=request, browser_link_id=link.pk, created=True)
