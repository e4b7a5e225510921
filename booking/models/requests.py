"""Consultation requests and the private intake links sent to patients."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from booking.crisis import AlertLevel

# Reference codes avoid characters that are easy to confuse when read aloud or
# handwritten: 0/O, 1/I/L.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def new_reference():
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


class AlertLevelChoices(models.TextChoices):
    # The values of booking.crisis.AlertLevel.
    NONE = AlertLevel.NONE.value, "None"
    SAME_DAY = AlertLevel.SAME_DAY.value, "Same-day follow-up"
    ACUTE = AlertLevel.ACUTE.value, "Acute: act now"


OPEN_STATUSES = ["new", "contacted", "intake_received", "consultation_scheduled"]


def pipeline_priority():
    """Staff work in this order: open urgent requests, then open ones still waiting for a first
    call, then the other open ones, then closed. Shared by the admin's ordering and the index
    that serves it, which must be the same expression for PostgreSQL to use the index."""
    return models.Case(
        # (Keyword order matters: the migration compares this expression as written.)
        models.When(status__in=OPEN_STATUSES, urgent=True, then=models.Value(0)),
        models.When(first_contacted_at__isnull=True, status__in=OPEN_STATUSES, then=models.Value(1)),
        models.When(status__in=OPEN_STATUSES, then=models.Value(2)),
        default=models.Value(3),
        output_field=models.IntegerField(),
    )


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_pipeline_order(self):
        return self.order_by(pipeline_priority().asc(), "created_at", "pk")


class ConsultationRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        INTAKE_RECEIVED = "intake_received", "Intake received"
        CONSULTATION_SCHEDULED = "consultation_scheduled", "Consultation scheduled"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        CLOSED = "closed", "Closed"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"

    class BestTime(models.TextChoices):
        MORNING = "morning", "Weekday mornings"
        AFTERNOON = "afternoon", "Weekday afternoons"
        EVENING = "evening", "Weekday evenings"
        WEEKEND = "weekend", "Weekends"

    class Interest(models.TextChoices):
        TMS = "tms", "TMS"
        SPRAVATO = "spravato", "SPRAVATO (esketamine)"
        NOT_SURE = "not_sure", "Not sure yet"

    class Prescriber(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    class HeardAbout(models.TextChoices):
        SEARCH = "search", "Internet search"
        DOCTOR = "doctor", "My doctor or therapist"
        FRIEND = "friend", "Friend or family"
        INSURANCE = "insurance", "My insurance"
        SOCIAL = "social", "Social media"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    phone = PhoneNumberField()
    date_of_birth = models.DateField()
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices)
    best_times = models.JSONField(default=list, blank=True)
    interest = models.CharField(max_length=10, choices=Interest.choices)
    has_prescriber = models.CharField("has a current prescriber", max_length=3, choices=Prescriber.choices)
    insurance_carrier = models.CharField(max_length=120, blank=True)
    heard_about = models.CharField(max_length=10, choices=HeardAbout.choices, blank=True)
    message = models.TextField(max_length=1000, blank=True)
    consent_to_contact = models.BooleanField(default=False)
    privacy_acknowledged_at = models.DateTimeField()
    # The language the patient sent the form in: their emails are written in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    source_article = models.SlugField(
        max_length=200, blank=True, help_text="The education article the visitor came from, if any."
    )

    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW, db_index=True)
    # (OPEN_STATUSES above lists the values of the first four.)
    urgent = models.BooleanField(default=False, db_index=True)
    # When the patient first gave an answer that needs same-day follow-up. Kept even if the
    # answer is changed later (the change is on the timeline).
    urgent_since = models.DateTimeField("item 9 first positive", null=True, blank=True, editable=False)
    alert_level = models.CharField(
        max_length=10, choices=AlertLevelChoices.choices, default=AlertLevelChoices.NONE, editable=False
    )
    urgent_acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    urgent_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    urgent_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Crisis phrases in what the patient wrote (booking/crisis.py): a staff member reads the text.
    # Never urgent on its own, never shown to the patient.
    free_text_review = models.BooleanField("free text to review", default=False, db_index=True, editable=False)
    free_text_flags = models.JSONField(default=list, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One per rendered form, so a double click or a resubmitted page finds the first request.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_contacted_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(pipeline_priority(), "created_at", "id", name="request_pipeline_order"),
            # The same order within one status (the list filtered by status): without it, a list
            # of closed requests walks past every open one first.
            models.Index("status", pipeline_priority(), "created_at", "id", name="request_status_pipeline_order"),
            # The admin's search finds a request by its full email in any case, or by its phone,
            # with one index lookup each; part of a name is served by the trigram indexes that
            # migration 0015 adds on PostgreSQL only.
            models.Index(Lower("email"), name="request_email_lower"),
            models.Index(fields=["phone"], name="request_phone"),
        ]

    def __str__(self):
        return f"{self.reference} {self.first_name} {self.last_name}"

    def get_admin_url(self):
        return reverse("admin:booking_consultationrequest_change", args=[self.pk])


class IntakeLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class IntakeLink(models.Model):
    """A private link to the intake. Only a hash of its token is stored."""

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="intake_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The email that carries this link: a retry of that email replaces the link, never adds one.
    email = models.ForeignKey("booking.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Wrong dates of birth given for this link in browsers that did not start the intake.
    verify_failures = models.PositiveSmallIntegerField(default=0)

    objects = IntakeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Intake link for {self.request.reference}"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
