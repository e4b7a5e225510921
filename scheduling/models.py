"""Consultation types, where and when staff see patients, and the appointments booked.

Times of day (availability) are local to a location; moments (appointments) are stored
in UTC. See slots.py for how one becomes the other.
"""

import functools
import uuid
import zoneinfo
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from booking.models import ConsultationRequest
from scheduling import waitlist_rules


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_or_none(value: str) -> zoneinfo.ZoneInfo | None:
    """The zone of that exact name, or None. Only names of real zones are tried: ZoneInfo()
    fails in other ways on a region such as "America" (a folder of zones, IsADirectoryError)."""
    if not value or value not in _zone_names():
        return None
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def validate_time_zone(value):
    if time_zone_or_none(value) is None:
        raise ValidationError(f"{value!r} is not a time zone name such as America/New_York.")


class AppointmentEmail(models.TextChoices):
    """The kinds of email scheduling sends through booking's outbox (see scheduling/emails.py)."""

    CONFIRMED = "appointment_confirmed", "Patient: appointment confirmed"
    RESCHEDULED = "appointment_rescheduled", "Patient: appointment moved"
    CANCELLED = "appointment_cancelled", "Patient: appointment cancelled"
    REMINDER = "appointment_reminder", "Patient: appointment reminder"


class AppointmentText(models.TextChoices):
    """The texts scheduling sends through the same outbox (channel "sms"), with the patient's consent."""

    REMINDER = "appointment_reminder_sms", "Patient: reminder text"


class WaitlistMessage(models.TextChoices):
    """What the waitlist sends through booking's outbox (see scheduling/emails.py)."""

    OFFER = "waitlist_offer", "Patient: a time offered from the waitlist"
    OFFER_TEXT = "waitlist_offer_sms", "Patient: a time offered (text)"
    TAKEN = "waitlist_time_taken", "Patient: the offered time has gone"


class ConsultationType(models.Model):
    class Mode(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")

    name = models.CharField(
        max_length=100,
        help_text="Shown to patients and in emails: keep it free of treatments and conditions, "
        "for example 'Free phone consultation'.",
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PHONE)
    duration_minutes = models.PositiveSmallIntegerField(default=20)
    buffer_minutes = models.PositiveSmallIntegerField(
        default=10, help_text="Kept free after each consultation (notes, the next call)."
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Who runs this consultation. Empty means everyone with availability at the location.",
    )
    is_active = models.BooleanField(default=True, help_text="Offered to patients.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.name} ({self.duration_minutes} min, {self.get_mode_display().lower()})"

    @property
    def duration(self):
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self):
        return timedelta(minutes=self.buffer_minutes)


class Location(models.Model):
    name = models.CharField(max_length=100)
    address = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    is_active = models.BooleanField(default=True, help_text="Offered for booking and shown on the locations page.")
    # What the public locations page shows.
    phone = PhoneNumberField(blank=True)
    hours = models.TextField(
        blank=True, help_text="Opening hours as patients should read them, one line per day or range."
    )
    transit_notes = models.TextField(blank=True, help_text="Buses, trains and the nearest stop.")
    parking_notes = models.TextField(blank=True, help_text="Where to park, what it costs, accessible spaces.")
    directions_query = models.CharField(
        max_length=300,
        blank=True,
        help_text="What a maps search should look for, if not the address (for example the building's name).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def directions_url(self) -> str:
        """A maps search for the place (a plain link: no map script runs on our pages)."""
        query = self.directions_query or self.address
        return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": query}) if query else ""

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Availability(models.Model):
    """A weekly rule: this staff member sees patients at this location on this weekday, between these
    local times."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, pgettext_lazy("weekday in the waitlist form", "Monday")
        TUESDAY = 1, pgettext_lazy("weekday in the waitlist form", "Tuesday")
        WEDNESDAY = 2, pgettext_lazy("weekday in the waitlist form", "Wednesday")
        THURSDAY = 3, pgettext_lazy("weekday in the waitlist form", "Thursday")
        FRIDAY = 4, pgettext_lazy("weekday in the waitlist form", "Friday")
        SATURDAY = 5, pgettext_lazy("weekday in the waitlist form", "Saturday")
        SUNDAY = 6, pgettext_lazy("weekday in the waitlist form", "Sunday")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="Local time at the location.")
    end_time = models.TimeField(help_text="Local time at the location.")

    class Meta:
        verbose_name_plural = "availability"
        ordering = ["location", "staff", "weekday", "start_time"]
        indexes = [models.Index(fields=["location", "weekday"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="availability_ends_after_start"
            )
        ]

    def __str__(self):
        hours = f"{self.start_time:%H:%M}-{self.end_time:%H:%M}"
        return f"{self.staff} at {self.location}: {self.get_weekday_display()} {hours}"


class AvailabilityException(models.Model):
    """Days off: holidays for the whole clinic (no staff) or time off for one person."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty means the whole clinic is closed.",
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, help_text="Empty means every location."
    )
    start_date = models.DateField()
    end_date = models.DateField(help_text="Included.")
    reason = models.CharField(max_length=200, blank=True, help_text="For staff only.")

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="exception_ends_after_start")
        ]

    def __str__(self):
        who = self.staff or "Whole clinic"
        return f"{who} off {self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d}"


class AppointmentQuerySet(models.QuerySet):
    def booked(self):
        return self.filter(status=Appointment.Status.BOOKED)

    def overlapping(self, *, staff_id, start, until):
        """Booked appointments whose time, buffer included, meets [start, until)."""
        return self.booked().filter(staff_id=staff_id, start__lt=until, blocked_until__gt=start)


class Appointment(models.Model):
    class Status(models.TextChoices):
        # Shown to the patient on their appointment's page, hence translated.
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="appointments")
    consultation_type = models.ForeignKey(ConsultationType, on_delete=models.PROTECT, related_name="appointments")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    # The end plus the type's buffer: the span no other booking of this staff member may touch
    # (the database enforces it on PostgreSQL, see migrations/0002).
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True)
    # The calendar invite's identity: the UID never changes, SEQUENCE grows with each change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # When the current time was chosen, so that reminders already due then are not sent late.
    scheduled_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["staff", "status", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=models.F("end")), name="appointment_blocks_through_its_end"
            ),
            # One booked consultation per request: a double click books once.
            models.UniqueConstraint(fields=["request"], condition=Q(status="booked"), name="one_booked_per_request"),
        ]

    def __str__(self):
        return f"{self.request.reference} {timezone.localtime(self.start, self.location.tz):%Y-%m-%d %H:%M %Z}"

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.location.tz)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.location.tz)

    def patient_can_change(self, now=None) -> bool:
        """Patients change or cancel online until the notice window; after that they call."""
        now = now or timezone.now()
        window = timedelta(hours=settings.SCHEDULING_CHANGE_WINDOW_HOURS)
        return self.status == self.Status.BOOKED and self.start - now >= window


class AppointmentChange(models.Model):
    """The history of an appointment: who booked, moved, cancelled or closed it, and when."""

    class Action(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Marked completed"
        NO_SHOW = "no_show", "Marked no-show"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=12, choices=Action.choices)
    # Empty when the patient made the change through their own link.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_start = models.DateTimeField(null=True, blank=True)
    new_start = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def by_label(self):
        return str(self.changed_by) if self.changed_by_id else "Patient"


class AppointmentLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class AppointmentLink(models.Model):
    """A private link to change or cancel an appointment, sent in an email.

    Like the intake links (booking/links.py), only a hash of the token is kept. Each email carries
    its own link, so a confirmation and a later reminder both work.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="links")
    email = models.ForeignKey("booking.Email", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Link for appointment {self.appointment_id}"


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitlistEntry.Status.WAITING)


class WaitlistEntry(models.Model):
    """A patient waiting for a time of one consultation type at one location, on the days and
    parts of the day that work for them. First come, first offered."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked a time"
        LEFT = "left", "Left the list"

    class DayPart(models.TextChoices):
        MORNING = "morning", _("Morning (before noon)")
        AFTERNOON = "afternoon", _("Afternoon (noon to 5 p.m.)")
        EVENING = "evening", _("Evening (after 5 p.m.)")

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="waitlist_entries")
    consultation_type = models.ForeignKey(ConsultationType, on_delete=models.CASCADE, related_name="waitlist")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="waitlist")
    # Weekday numbers (0 is Monday) and day parts; empty means any.
    weekdays = models.JSONField(default=list, blank=True)
    day_parts = models.JSONField(default=list, blank=True)
    # The first open time that suited them when they joined: they want an earlier one, so only
    # earlier times are offered. Empty when nothing suitable was open: any time that suits.
    offer_before = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["request", "consultation_type", "location"],
                condition=Q(status="waiting"),
                name="one_waiting_entry_per_request_type_location",
            )
        ]

    def __str__(self):
        return f"{self.request.reference} waiting for {self.consultation_type.name} at {self.location}"

    @property
    def weekdays_label(self):
        names = dict(Availability.Weekday.choices)
        return ", ".join(str(names[d])[:3] for d in sorted(self.weekdays)) or _("Any day")

    @property
    def day_parts_label(self):
        labels = dict(self.DayPart.choices)
        return ", ".join(str(labels[p]).split(" (")[0] for p in self.day_parts if p in labels) or _("Any time")

    def wants(self, start, local_start) -> bool:
        """Whether a time (and its local clock at the location) is one to offer this patient."""
        if self.offer_before and start >= self.offer_before:
            return False
        return waitlist_rules.suits(local_start, weekdays=self.weekdays, day_parts=self.day_parts)


class WaitlistOfferQuerySet(models.QuerySet):
    def live(self, now=None):
        """Offers that may still be claimed."""
        return self.filter(status=WaitlistOffer.Status.OPEN, expires_at__gt=now or timezone.now())


class WaitlistOffer(models.Model):
    """One time offered to one waiting patient. Several patients may be offered the same time;
    the first to claim it books it and the others are told it has gone."""

    class Status(models.TextChoices):
        OPEN = "open", "Offered"
        CLAIMED = "claimed", "Booked by this patient"
        TAKEN = "taken", "Booked by someone else"
        WITHDRAWN = "withdrawn", "Withdrawn"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    start = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    expires_at = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A time is offered to a patient once: after it expires it goes to the next in line.
            models.UniqueConstraint(fields=["entry", "start"], name="one_offer_per_entry_and_time"),
        ]

    def __str__(self):
        return f"Offer of {timezone.localtime(self.start, self.entry.location.tz):%Y-%m-%d %H:%M %Z}"

    def is_live(self, now=None) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > (now or timezone.now())


class WaitlistOfferLink(models.Model):
    """A private link to an offer, one per message that carries it (only the token's hash is kept)."""

    offer = models.ForeignKey(WaitlistOffer, on_delete=models.CASCADE, related_name="links")
    email = models.ForeignKey("booking.Email", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Link for offer {self.offer_id}"
