"""Writes for consultation requests. Views, forms and admin actions call these."""

import logging
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import links
from booking.emails import email_queue
from booking.models import ConsultationRequest, Email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreatedRequest:
    request: ConsultationRequest
    intake_token: str | None
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
) -> CreatedRequest:
    """Save a request, issue its private intake link and queue the two notices.

    A second call with the same ``submission_token`` (a double click, a refresh)
    returns the first request instead of creating another.
    """
    if submission_token is not None:
        existing = ConsultationRequest.objects.filter(submission_token=submission_token).first()
        if existing:
            return CreatedRequest(request=existing, intake_token=None, created=False)

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
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
            token = links.intake_link_issue(request=request)
            email_queue(request=request, kind=Email.Kind.REQUEST_RECEIVED)
            email_queue(request=request, kind=Email.Kind.STAFF_NEW_REQUEST)
    except IntegrityError:
        # Two identical submissions raced each other; the first one won.
        existing = ConsultationRequest.objects.filter(submission_token=submission_token).first()
        if submission_token is None or existing is None:
            raise
        return CreatedRequest(request=existing, intake_token=None, created=False)
    logger.info("Consultation request %s created.", request.pk)
    return CreatedRequest(request=request, intake_token=token, created=True)
