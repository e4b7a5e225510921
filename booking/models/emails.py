"""Outgoing emails, recorded so that each is sent once (see booking/emails.py)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from booking.models.requests import ConsultationRequest

# Labels of every kind the outbox knows, booking's and other apps' (see email_kind_register).
KIND_LABELS: dict[str, str] = {}
# Kinds that are not emails: "sms" or "webhook".
KIND_CHANNELS: dict[str, str] = {}


class EmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Emails a sweep should (re)enqueue: never handed to a worker, due for a retry,
        or claimed by a worker that has not finished within the lease."""
        now = now or timezone.now()
        pending_after = now - timedelta(seconds=settings.EMAIL_SWEEP_AFTER_SECONDS)
        lease_expired = now - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
        return self.filter(
            models.Q(status=Email.Status.PENDING, created_at__lte=pending_after)
            | models.Q(status=Email.Status.RETRYING, next_attempt_at__lte=now)
            | models.Q(status=Email.Status.SENDING, claimed_at__lte=lease_expired)
        )


class Email(models.Model):
    """One email we owe someone. The status guards sending, so a retried or
    redelivered task never sends the same email twice."""

    class Kind(models.TextChoices):
        """Booking's own kinds; other apps register theirs with the outbox (booking/services/emails.py)."""

        REQUEST_RECEIVED = "request_received", "Patient: request received"
        STAFF_NEW_REQUEST = "staff_new_request", "Staff: new request"
        INTAKE_RECEIVED = "intake_received", "Patient: history received"
        STAFF_INTAKE_RECEIVED = "staff_intake_received", "Staff: intake received"
        STAFF_URGENT = "staff_urgent", "Staff: urgent"
        STAFF_URGENT_ESCALATION = "staff_urgent_escalation", "Staff: urgent, not acknowledged"
        # Not an email: a POST to the on-call service, through the same outbox (booking/services/webhooks.py).
        URGENT_WEBHOOK = "urgent_webhook", "On-call service: urgent"
        INTAKE_LINK_REISSUED = "intake_link_reissued", "Patient: new intake link"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # A later change made it untrue (links revoked, appointment moved): never sent or revived.
        SUPERSEDED = "superseded", "Superseded"

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="emails")
    # One of the kinds registered with the outbox (Kind above, and other apps' kinds).
    kind = models.CharField(max_length=30)
    # Reissued links are the only kind sent more than once per request.
    sequence = models.PositiveIntegerField(default=1)
    recipients = models.JSONField(default=list)
    # What the builder of this kind needs beyond the request (ids and times, never health details).
    context = models.JSONField(default=dict, blank=True)
    # Names one email for all time (for example one reminder for one appointment time),
    # so that asking for it twice queues it once.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Texts only: the provider's id for the message, and the last status it reported (queued,
    # sent, delivered, undelivered, failed) through its status callback.
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    delivery_status = models.CharField(max_length=20, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "sequence"], name="one_email_per_kind_and_sequence"),
        ]

    def __str__(self):
        return f"{self.kind_label} for {self.request.reference} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def channel(self) -> str:
        return KIND_CHANNELS.get(self.kind, "email")

    @property
    def message_id(self):
        """Stable across retries, so a mail system can recognise a repeat."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        return f"<request-{self.request_id}.{self.kind}.{self.sequence}.{self.pk}@{domain}>"
