"""The email outbox: queue an email in the database, hand it to Celery after commit, send it once.

The ``Email`` row is the source of truth. Sending first *claims* the row (status
``sending``) inside a transaction, so two workers, a retry and a redelivered task
cannot both send it. A claim left behind by a worker that died is taken over when
the same task is redelivered, or by the sweep once the lease has run out.

Each app registers the kinds of email it sends (``email_kind_register``) with its own
templates, extra context and attachments; booking's own kinds are registered below.
No email carries health information: only names, reference codes and links.
"""

import logging
import random
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from booking.models import ConsultationRequest, Email, IntakeLink, RequestEvent
from booking.models.emails import KIND_CHANNELS, KIND_LABELS
from booking.services import links, texts, webhooks
from core import sms
from core.audit import audit_record
from core.context_processors import clinic_details
from core.models import AuditEvent
from core.outage import redis_breaker
from core.tokens import hash_token

logger = logging.getLogger(__name__)

SEND_TASK = "booking.tasks.send_email"
# The statuses of an email that has not gone out yet and may still go.
UNSENT = [Email.Status.PENDING, Email.Status.RETRYING]


@dataclass(frozen=True)
class SendOutcome:
    sent: bool = False
    retry_in: float | None = None


@dataclass(frozen=True)
class EmailKind:
    """One kind of email: who receives it, its templates (``<template>_subject.txt``, ``.txt``,
    ``.html``), and what its app adds: more template context and attachments as
    (filename, content, mimetype) tuples. Both callables get the Email."""

    key: str
    label: str
    template: str
    to_staff: bool = False
    # Each sending mints a fresh private intake link (revoked again if the send fails).
    carries_intake_link: bool = False
    context: Callable[[Email], dict] | None = None
    attachments: Callable[[Email], list[tuple[str, str, str]]] | None = None
    # Who receives it when not the patient or STAFF_NOTIFICATION_EMAILS (read when queued).
    recipients: Callable[[], list[str]] | None = None
    # "email"; "webhook": a POST to each recipient URL (booking/services/webhooks.py); or "sms": a
    # text to the request's phone, its body the template's ``.txt`` (core/sms.py), queued only with
    # the patient's consent and never after a STOP (booking/services/texts.py).
    channel: str = "email"
    # Losing it puts someone at risk: having no recipient is logged as an error.
    critical: bool = False


KINDS: dict[str, EmailKind] = {}


def email_kind_register(kind: EmailKind) -> EmailKind:
    KINDS[kind.key] = kind
    KIND_LABELS[kind.key] = kind.label
    KIND_CHANNELS[kind.key] = kind.channel
    return kind


# The urgent alerts, registered below with their own recipients and context.
_URGENT_KINDS = (Email.Kind.STAFF_URGENT, Email.Kind.STAFF_URGENT_ESCALATION, Email.Kind.URGENT_WEBHOOK)

for _key, _label in Email.Kind.choices:
    if _key in _URGENT_KINDS:
        continue
    email_kind_register(
        EmailKind(
            key=_key,
            label=_label,
            template=f"booking/emails/{_key}",
            to_staff=_key.startswith("staff_"),
            carries_intake_link=_key in (Email.Kind.REQUEST_RECEIVED, Email.Kind.INTAKE_LINK_REISSUED),
        )
    )


email_kind_register(
    EmailKind(
        key=Email.Kind.STAFF_URGENT,
        label=Email.Kind.STAFF_URGENT.label,
        template="booking/emails/staff_urgent",
        to_staff=True,
        critical=True,
        context=lambda email: {flag: bool(email.context.get(flag)) for flag in ("acute", "reminder")},
    )
)
email_kind_register(
    EmailKind(
        key=Email.Kind.STAFF_URGENT_ESCALATION,
        label=Email.Kind.STAFF_URGENT_ESCALATION.label,
        template="booking/emails/staff_urgent",
        to_staff=True,
        recipients=lambda: list(settings.URGENT_ESCALATION_EMAILS),
        critical=True,
        context=lambda email: {"escalated": True},
    )
)
email_kind_register(
    EmailKind(
        key=Email.Kind.URGENT_WEBHOOK,
        label=Email.Kind.URGENT_WEBHOOK.label,
        template="",
        to_staff=True,
        recipients=lambda: [settings.URGENT_ALERT_WEBHOOK_URL] if settings.URGENT_ALERT_WEBHOOK_URL else [],
        channel="webhook",
    )
)


def kinds_with_intake_link() -> list[str]:
    return [key for key, kind in KINDS.items() if kind.carries_intake_link]


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
    registered = KINDS[kind]
    if registered.channel == "sms":
        if not texts.sms_allowed(request):
            return None
        recipients = [request.phone.as_e164]
    elif registered.recipients:
        recipients = registered.recipients()
    else:
        recipients = list(settings.STAFF_NOTIFICATION_EMAILS) if registered.to_staff else [request.email]
    if not recipients:
        # An optional channel (the webhook) that is not set up is not worth a warning.
        log = logger.error if registered.critical else logger.debug if registered.recipients else logger.warning
        log("No recipient configured: %s for request %s not queued.", kind, request.pk)
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
    if redis_breaker.is_open:
        logger.warning("Email %s not enqueued (broker recently down); the periodic sweep will send it.", email_id)
        return False
    try:
        # Looked up by name: the task module calls this one, and imports only point one way.
        current_app.tasks[SEND_TASK].delay(email_id)
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
    channel = KINDS[email.kind].channel
    if (stale := _stale(email)) is not None:
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.SUPERSEDED, last_error=f"Superseded: {stale}", next_attempt_at=None
        )
        return SendOutcome()
    if channel == "sms" and (hold_until := texts.sms_hold_until(email, timezone.now())):
        # Quiet hours at the patient's end: wait for the morning (not an attempt, not an error).
        Email.objects.filter(pk=email.pk, status=Email.Status.SENDING).update(
            status=Email.Status.RETRYING, attempts=email.attempts - 1, next_attempt_at=hold_until
        )
        return SendOutcome()
    token = None
    provider_id = ""
    try:
        if channel == "webhook":
            webhooks.webhook_deliver(email)
        elif channel == "sms":
            provider_id = _send_text(email)
        else:
            if KINDS[email.kind].carries_intake_link:
                token = links.intake_link_issue(request=email.request, email=email)
            _build_message(email, token).send()
    except Exception as exc:
        if not isinstance(exc, smtplib.SMTPException | OSError):
            # Not a delivery problem but a fault of ours (a template, a setting): keep the traceback.
            logger.exception("Email %s (%s) could not be built.", email.pk, email.kind)
        if token:
            # That link never reached the patient; the next attempt carries a new one.
            IntakeLink.objects.filter(token_hash=hash_token(token)).update(revoked_at=timezone.now())
        return _record_failure(email, exc)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
        provider_id=provider_id,
        delivery_status="queued" if provider_id else "",
    )
    logger.info("Email %s (%s) sent.", email.pk, email.kind)
    return SendOutcome(sent=True)


def _stale(email):
    """Why an email must not go any more, or None: a moment it is useless after (an offer that has
    expired, a reminder of a time that has passed), or a STOP received since it was queued."""
    not_after = email.context.get("not_after")
    if not_after and timezone.now() >= datetime.fromisoformat(not_after):
        return "it was no longer useful when its turn came."
    if KINDS[email.kind].channel == "sms" and not texts.sms_allowed(email.request):
        return "the patient stopped texts."
    return None


def _language(email) -> str:
    """The patient's emails in the patient's language; staff's in the clinic's, whoever sends them."""
    if KINDS[email.kind].to_staff:
        return settings.LANGUAGE_CODE
    return email.request.language or settings.LANGUAGE_CODE


def _send_text(email):
    with translation.override(_language(email)):
        body = render_to_string(f"{KINDS[email.kind].template}.txt", _context(email, None)).strip()
    status_callback = settings.SITE_URL + reverse("booking_sms:status")
    return sms.send(email.recipients[0], body, status_callback)


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
    # Only while still ours: an email superseded during the attempt stays superseded.
    mine = Email.objects.filter(pk=email.pk, status=Email.Status.SENDING)
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        mine.update(status=Email.Status.FAILED, last_error=error, next_attempt_at=None)
        logger.error("Email %s (%s) failed after %s attempts.", email.pk, email.kind, email.attempts)
        return SendOutcome()
    delay = retry_delay(email.attempts)
    mine.update(
        status=Email.Status.RETRYING,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    logger.warning("Email %s (%s) attempt %s failed; retrying in %.0f s.", email.pk, email.kind, email.attempts, delay)
    return SendOutcome(retry_in=delay)


def _context(email, token):
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
    kind = KINDS[email.kind]
    if kind.context:
        context.update(kind.context(email))
    return context


def _build_message(email, token):
    # The worker's own language does not matter: links and words follow the recipient.
    with translation.override(_language(email)):
        return _build_message_in_language(email, token)


def _build_message_in_language(email, token):
    context = _context(email, token)
    kind = KINDS[email.kind]
    base = kind.template
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        headers={"Message-ID": email.message_id},
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    for filename, content, mimetype in kind.attachments(email) if kind.attachments else []:
        message.attach(filename, content, mimetype)
    return message


def emails_supersede(*, emails: QuerySet, reason: str) -> int:
    """Stop unsent emails that a later change made untrue (links revoked, an appointment moved or
    cancelled). A superseded email is never sent, resent or swept up again."""
    # One being sent at this moment is stopped too: if that attempt fails, it is not retried.
    return emails.filter(status__in=[*UNSENT, Email.Status.SENDING]).update(
        status=Email.Status.SUPERSEDED, last_error=f"Superseded: {reason}"[:500], next_attempt_at=None
    )


def email_resend(*, email: Email, actor) -> bool:
    """Send an email again on purpose (for example after a bounce was fixed).

    Not while a worker is sending it (that could send it twice), and not an email that a later
    change made untrue (a superseded appointment email, a link that was revoked).
    """
    with transaction.atomic():
        email = Email.objects.select_for_update().get(pk=email.pk)
        if email.status in (Email.Status.SENDING, Email.Status.SUPERSEDED):
            return False
        email.status = Email.Status.PENDING
        email.attempts = 0
        email.last_error = ""
        email.next_attempt_at = None
        email.claimed_by = ""
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "claimed_by"])
        RequestEvent.objects.create(
            request=email.request,
            actor=actor,
            kind=RequestEvent.Kind.EMAIL,
            text=f"Resend requested: {email.kind_label}.",
        )
        audit_record(
            actor=actor, action=AuditEvent.Action.CHANGE, obj=email.request, summary=f"Resent email {email.pk}"
        )
        transaction.on_commit(lambda: email_enqueue(email.pk))
    return True
