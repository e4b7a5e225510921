"""The urgent flag and its alert: raised from the intake, graded by the ASQ, acknowledged by a
named staff member, escalated when nobody does.

The alert is an outbox entry (email to STAFF_NOTIFICATION_EMAILS, and a webhook when one is set),
so it is never lost to a broker or SMTP outage. Nothing here is logged with an answer: an urgent
flag on a request id is itself sensitive.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking import crisis
from booking.clinic_hours import ClinicHours
from booking.models import ConsultationRequest, Email, RequestEvent
from booking.services.emails import email_queue
from core.audit import audit_record
from core.models import AuditEvent

logger = logging.getLogger(__name__)

_LEVEL_ORDER = [crisis.AlertLevel.NONE, crisis.AlertLevel.SAME_DAY, crisis.AlertLevel.ACUTE]
# Outbox sequences of the alert: the first, the one that says "now" after an acute ASQ, the reminder.
FIRST, ACUTE, REMINDER = 1, 2, 3
ALERT_KINDS = [Email.Kind.STAFF_URGENT, Email.Kind.URGENT_WEBHOOK, Email.Kind.STAFF_URGENT_ESCALATION]


def clinic_hours() -> ClinicHours:
    return ClinicHours.from_strings(settings.CLINIC_OPEN_HOURS, settings.CLINIC_OPEN_DAYS)


def clinic_open_now() -> bool:
    return clinic_hours().is_open(timezone.localtime())


def _alert_queue(request: ConsultationRequest, sequence: int, context: dict) -> bool:
    """Queue the alert on every configured channel, once per sequence. True if any channel has it."""
    # The first alert keeps the key it has always had, so no request is alerted twice across versions.
    email_key = f"urgent:{request.pk}" if sequence == FIRST else f"urgent:{request.pk}:{sequence}"
    queued = [
        email_queue(
            request=request, kind=Email.Kind.STAFF_URGENT, sequence=sequence, context=context, dedupe_key=email_key
        ),
        email_queue(
            request=request,
            kind=Email.Kind.URGENT_WEBHOOK,
            sequence=sequence,
            dedupe_key=f"urgent-webhook:{request.pk}:{sequence}",
        ),
    ]
    if not any(queued):
        # With the production check this cannot happen; on a laptop it must not pass unnoticed.
        logger.error("URGENT ALERT NOT QUEUED for request %s: no recipient configured.", request.pk)
    return any(queued)


@transaction.atomic
def consultation_request_mark_urgent(
    *, request: ConsultationRequest, level: crisis.AlertLevel = crisis.AlertLevel.SAME_DAY, reason: str = ""
) -> bool:
    """Flag the request and alert staff, however often this is called: one timeline event, one alert,
    and one more alert when the level rises to acute. Returns whether an alert is queued.

    The flag, the level and the time it was first raised are never lowered here or anywhere else."""
    locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
    now = timezone.now()
    before = crisis.AlertLevel(locked.alert_level or crisis.AlertLevel.NONE)
    higher = max(before, level, key=_LEVEL_ORDER.index)
    if not locked.urgent:
        locked.urgent = True
        locked.urgent_since = now
        RequestEvent.objects.create(
            request=locked,
            kind=RequestEvent.Kind.URGENT,
            text=reason or "PHQ-9 question 9 answered above 0: same-day follow-up. Crisis resources were shown.",
        )
    locked.urgent_since = locked.urgent_since or now
    locked.alert_level = higher
    locked.save(update_fields=["urgent", "urgent_since", "alert_level", "updated_at"])
    request.urgent, request.urgent_since, request.alert_level = True, locked.urgent_since, higher
    queued = _alert_queue(locked, FIRST, {})
    if higher is crisis.AlertLevel.ACUTE and before is not crisis.AlertLevel.ACUTE:
        RequestEvent.objects.create(
            request=locked,
            kind=RequestEvent.Kind.CRISIS,
            text="ASQ follow-up: acute positive screen. Immediate safety evaluation; staff alerted again.",
        )
        queued = _alert_queue(locked, ACUTE, {"acute": True}) or queued
    return queued


def consultation_request_alert_queued(*, request: ConsultationRequest) -> bool:
    """Whether an urgent alert for this request is in the outbox, so the patient may be told so."""
    return request.emails.filter(kind__in=ALERT_KINDS).exclude(status=Email.Status.SUPERSEDED).exists()


def consultation_request_acknowledge_urgent(*, request: ConsultationRequest, actor: AbstractBaseUser) -> bool:
    """A named staff member takes the urgent alert: it stops escalating. False if already taken."""
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.urgent or locked.urgent_acknowledged_at:
            return False
        locked.urgent_acknowledged_at = timezone.now()
        locked.urgent_acknowledged_by = actor
        locked.save(update_fields=["urgent_acknowledged_at", "urgent_acknowledged_by", "updated_at"])
        name = actor.get_full_name() or actor.get_username()
        RequestEvent.objects.create(
            request=locked,
            actor=actor,
            kind=RequestEvent.Kind.ACKNOWLEDGED,
            text=f"Urgent alert acknowledged by {name}.",
        )
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=locked, summary="Acknowledged the urgent alert")
    request.refresh_from_db()
    return True


def urgent_alerts_escalate(*, now: datetime | None = None) -> int:
    """Send again, and once to URGENT_ESCALATION_EMAILS, each urgent alert nobody acknowledged within
    URGENT_ESCALATE_MINUTES of opening hours. Run by Celery beat; safe to run from two beats at once
    (the row lock and the dedupe keys make each escalation happen once)."""
    now = now or timezone.now()
    hours = clinic_hours()
    waiting = ConsultationRequest.objects.open().filter(
        urgent=True, urgent_since__isnull=False, urgent_acknowledged_at__isnull=True, urgent_escalated_at__isnull=True
    )
    local_now = timezone.localtime(now)
    escalated = 0
    for pk, since in waiting.values_list("pk", "urgent_since"):
        if hours.open_minutes_between(timezone.localtime(since), local_now) < settings.URGENT_ESCALATE_MINUTES:
            continue
        with transaction.atomic():
            locked = (
                ConsultationRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, urgent_acknowledged_at__isnull=True, urgent_escalated_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.urgent_escalated_at = now
            locked.save(update_fields=["urgent_escalated_at", "updated_at"])
            _alert_queue(locked, REMINDER, {"reminder": True})
            email_queue(
                request=locked,
                kind=Email.Kind.STAFF_URGENT_ESCALATION,
                dedupe_key=f"urgent-escalation:{pk}",
            )
            RequestEvent.objects.create(
                request=locked,
                kind=RequestEvent.Kind.ESCALATED,
                text=(
                    f"Not acknowledged within {settings.URGENT_ESCALATE_MINUTES} minutes of opening hours: "
                    "alert sent again and escalated."
                ),
            )
            escalated += 1
    return escalated


def consultation_request_flag_free_text(*, request: ConsultationRequest, texts: list[str]) -> list[str]:
    """Flag crisis phrases in what the patient wrote for a staff member to read. The labels only grow:
    text the patient later removed was still written. Never urgent on its own, never shown to the patient."""
    found = []
    for text in texts:
        found += [label for label in crisis.free_text_flags(text) if label not in found]
    if not found:
        return list(request.free_text_flags)
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        labels = list(locked.free_text_flags) + [label for label in found if label not in locked.free_text_flags]
        if labels != locked.free_text_flags or not locked.free_text_review:
            locked.free_text_flags = labels
            locked.free_text_review = True
            locked.save(update_fields=["free_text_flags", "free_text_review", "updated_at"])
    request.free_text_flags, request.free_text_review = labels, True
    return labels
