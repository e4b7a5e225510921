"""Outgoing email: queue it in the database, hand it to Celery after commit, send it once.

The ``Email`` row is the source of truth. Sending first *claims* the row (status
``sending``) inside a transaction, so two workers, a retry and a redelivered task
cannot both send it. A claim left behind by a worker that died is taken over when
the same task is redelivered, or by the sweep once the lease has run out.

No email carries health information: only names, reference codes and links.
"""

import logging
import random
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from booking import links
from booking.models import ConsultationRequest, Email
from clinic.context_processors import clinic_details
from clinic.outage import redis_breaker

logger = logging.getLogger(__name__)

# The patient emails that carry a fresh private link to the intake.
KINDS_WITH_INTAKE_LINK = {Email.Kind.REQUEST_RECEIVED, Email.Kind.INTAKE_LINK_REISSUED}
# The start of ``last_error`` for an email that a later change made untrue: never sent, never resent.
SUPERSEDED = "Superseded:"
STAFF_KINDS = {Email.Kind.STAFF_NEW_REQUEST, Email.Kind.STAFF_INTAKE_RECEIVED, Email.Kind.STAFF_URGENT}


@dataclass(frozen=True)
class SendOutcome:
    sent: bool = False
    retry_in: float | None = None


@dataclass(frozen=True)
class KindExtras:
    """What another app adds to the emails of a kind it owns: more template context,
    and attachments as (filename, content, mimetype) tuples. Both get the Email."""

    context: Callable[[Email], dict] | None = None
    attachments: Callable[[Email], list[tuple[str, str, str]]] | None = None


EXTRAS: dict[str, KindExtras] = {}


def register_kind_extras(kind: str, extras: KindExtras) -> None:
    EXTRAS[kind] = extras


def email_queue(
    *,
    request: ConsultationRequest,
    kind: str,
    sequence: int = 1,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> Email | None:
    """Record an email and enqueue it once the surrounding transaction commits.

    With a ``dedupe_key`` already used, nothing new is queued and the first email is returned.
    """
    recipients = list(settings.STAFF_NOTIFICATION_EMAILS) if kind in STAFF_KINDS else [request.email]
    if not recipients:
        logger.warning("No STAFF_NOTIFICATION_EMAILS configured: %s email for request %s skipped.", kind, request.pk)
        return None
    if dedupe_key and (existing := Email.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    email = Email.objects.create(
        request=request,
        kind=kind,
        sequence=sequence,
        recipients=recipients,
        context=context or {},
        dedupe_key=dedupe_key,
    )
    transaction.on_commit(lambda: email_enqueue(email.pk))
    return email


def email_enqueue(email_id: int) -> bool:
    """Hand an email to the broker. A broker that is down only delays it: the sweep sends it later."""
    from booking.tasks import send_email

    if redis_breaker.is_open:
        logger.warning("Email %s not enqueued (broker recently down); the periodic sweep will send it.", email_id)
        return False
    try:
        send_email.delay(email_id)
    except Exception as exc:
        redis_breaker.trip()
        logger.warning("Email %s not enqueued (%s); the periodic sweep will send it.", email_id, type(exc).__name__)
        return False
    return True


def emails_enqueue_due() -> int:
    """Re-enqueue every email that should have gone by now. Run by Celery beat."""
    ids = list(Email.objects.due().values_list("pk", flat=True)[:500])
    for email_id in ids:
        email_enqueue(email_id)
    return len(ids)


def email_send(*, email_id: int, worker_key: str) -> SendOutcome:
    """Send one email if nobody else has, recording the outcome."""
    email = _claim(email_id, worker_key)
    if email is None:
        return SendOutcome()
    token = None
    try:
        if email.kind in KINDS_WITH_INTAKE_LINK:
            token = links.intake_link_issue(request=email.request)
        _build_message(email, token).send()
    except Exception as exc:
        if not isinstance(exc, smtplib.SMTPException | OSError):
            # Not a delivery problem but a fault of ours (a template, a setting): keep the traceback.
            logger.exception("Email %s (%s) could not be built.", email.pk, email.kind)
        if token:
            # That link never reached the patient; the next attempt carries a new one.
            links.IntakeLink.objects.filter(token_hash=links.hash_token(token)).update(revoked_at=timezone.now())
        return _record_failure(email, exc)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    logger.info("Email %s (%s) sent.", email.pk, email.kind)
    return SendOutcome(sent=True)


def _claim(email_id, worker_key):
    now = timezone.now()
    lease_expired = now - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    with transaction.atomic():
        email = Email.objects.select_for_update().select_related("request").filter(pk=email_id).first()
        if email is None:
            return None
        claimable = email.status in (Email.Status.PENDING, Email.Status.RETRYING) or (
            email.status == Email.Status.SENDING
            # The same task redelivered after its worker died, or a claim whose lease ran out.
            and ((worker_key and email.claimed_by == worker_key) or email.claimed_at <= lease_expired)
        )
        if not claimable:
            return None
        email.status = Email.Status.SENDING
        email.claimed_at = now
        email.claimed_by = worker_key
        email.attempts += 1
        email.save(update_fields=["status", "claimed_at", "claimed_by", "attempts"])
    return email


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter, capped well below the broker's visibility timeout."""
    ceiling = min(settings.EMAIL_RETRY_MAX_SECONDS, settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def _record_failure(email, exc):
    error = f"{type(exc).__name__}: {exc}"[:500]
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED, last_error=error, next_attempt_at=None)
        logger.error("Email %s (%s) failed after %s attempts.", email.pk, email.kind, email.attempts)
        return SendOutcome()
    delay = retry_delay(email.attempts)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.RETRYING,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    logger.warning("Email %s (%s) attempt %s failed; retrying in %.0f s.", email.pk, email.kind, email.attempts, delay)
    return SendOutcome(retry_in=delay)


def _build_message(email, token):
    request = email.request
    context = {
        "request": request,
        "reference": request.reference,
        "first_name": request.first_name,
        "admin_url": settings.SITE_URL + request.get_admin_url(),
        "intake_url": links.intake_url(token) if token else None,
        "intake_link_days": settings.INTAKE_LINK_DAYS,
        "clinic": clinic_details(),
        "site_url": settings.SITE_URL,
    }
    extras = EXTRAS.get(email.kind, KindExtras())
    if extras.context:
        context.update(extras.context(email))
    base = f"booking/emails/{email.kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    for filename, content, mimetype in extras.attachments(email) if extras.attachments else []:
        message.attach(filename, content, mimetype)
    return message
