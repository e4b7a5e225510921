"""Writes for appointments. Views, admin actions and tasks call these.

No double booking: on PostgreSQL an exclusion constraint refuses two booked appointments
of one staff member whose times (buffers included) overlap, even when two patients press
the button in the same instant; a Python check after the insert covers SQLite, where writes
are serialised anyway. Whoever loses is told, with the next open times.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from booking.models import ConsultationRequest, Email, RequestEvent
from booking.services import consultation_request_set_status, email_queue, emails_supersede
from core import quiet_hours
from scheduling import slots
from scheduling.models import (
    Appointment,
    AppointmentChange,
    AppointmentEmail,
    AppointmentText,
    ConsultationType,
    Location,
    WaitlistEntry,
    WaitlistOffer,
)

WAITLIST_TASK = "scheduling.tasks.offer_waitlist_times"

logger = logging.getLogger(__name__)

# Requests at these stages move to "consultation scheduled" when a time is booked.
EARLY_STATUSES = [
    ConsultationRequest.Status.NEW,
    ConsultationRequest.Status.CONTACTED,
    ConsultationRequest.Status.INTAKE_RECEIVED,
]


@dataclass
class SlotUnavailable(Exception):
    """The time is no longer open. ``alternatives`` are the next open slots."""

    alternatives: list[slots.Slot] = field(default_factory=list)


@dataclass
class ChangeWindowPassed(Exception):
    """Too close to the appointment (or no longer booked) for the patient to change it online."""

    appointment: Appointment


class Overlap(IntegrityError):
    """Raised by the Python check; PostgreSQL raises its own IntegrityError first."""


def _lost_race(error: Exception) -> bool:
    """Whether a failed insert means another booking got the time first.

    Usually PostgreSQL reports an exclusion-constraint violation (an IntegrityError). When two
    bookings for the same time are inserted at the same instant, each waits for the other to
    finish its constraint check and PostgreSQL ends that with a deadlock error on one of them
    (SQLSTATE 40P01): that is the same lost race, not a fault.
    """
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


@transaction.atomic
def appointment_book(
    *,
    request: ConsultationRequest,
    consultation_type: ConsultationType,
    location: Location,
    start: datetime,
    now: datetime | None = None,
) -> Appointment:
    """Book an open slot for a request. Booking again for a request that has a booked time
    returns that appointment (a double click, a second tab)."""
    if existing := Appointment.objects.booked().filter(request=request).first():
        return existing
    slot = slots.slot_at(consultation_type=consultation_type, location=location, start=start, now=now)
    if slot is None:
        raise SlotUnavailable(_alternatives(consultation_type, location, start, now))
    for staff_id in slot.staff_ids:
        appointment = Appointment(
            request=request,
            consultation_type=consultation_type,
            location=location,
            staff_id=staff_id,
            start=slot.start,
            end=slot.end,
            blocked_until=slot.end + consultation_type.buffer,
        )
        try:
            with transaction.atomic():
                appointment.full_clean(validate_constraints=False)
                appointment.save()
                _check_no_overlap(appointment)
                _log(appointment, AppointmentChange.Action.BOOKED, by=None, new_start=appointment.start)
                transaction.on_commit(slots.schedule_changed)
                _move_request(
                    request.pk, from_statuses=EARLY_STATUSES, to=ConsultationRequest.Status.CONSULTATION_SCHEDULED
                )
                _email(appointment, AppointmentEmail.CONFIRMED, dedupe=f"confirmed:{appointment.uid}")
                _leave_waitlist(request.pk)
        except (IntegrityError, OperationalError) as error:
            if not _lost_race(error):
                raise
            # Either this staff member's time was just taken (try the next person free then),
            # or this request was booked a moment ago in another tab.
            if existing := Appointment.objects.booked().filter(request=request).first():
                return existing
            continue
        logger.info("Appointment %s booked for request %s.", appointment.pk, request.pk)
        return appointment
    raise SlotUnavailable(_alternatives(consultation_type, location, start, now))


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    by=None,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment; the calendar invite is updated in place (same UID, next SEQUENCE).

    A patient (``by`` empty) may pick only open slots and only before the notice window. Staff
    may move it anywhere that does not overlap another booking of the same person.
    """
    appointment = Appointment.objects.select_for_update().select_related("consultation_type").get(pk=appointment.pk)
    patient = by is None
    if patient and not appointment.patient_can_change(now):
        raise ChangeWindowPassed(appointment)
    if appointment.status != Appointment.Status.BOOKED:
        raise ChangeWindowPassed(appointment)
    consultation_type, location = appointment.consultation_type, appointment.location

    if patient:
        slot = slots.slot_at(
            consultation_type=consultation_type,
            location=location,
            start=start,
            now=now,
            exclude_appointment_id=appointment.pk,
        )
        if slot is None:
            raise SlotUnavailable(_alternatives(consultation_type, location, start, now, appointment.pk))
        # Keep the same person when they are free; it is the least surprising for everyone.
        candidates = sorted(slot.staff_ids, key=lambda s: s != appointment.staff_id)
    else:
        candidates = [staff_id or appointment.staff_id]

    old_start = appointment.start
    for candidate in candidates:
        appointment.staff_id = candidate
        appointment.start = start
        appointment.end = start + consultation_type.duration
        appointment.blocked_until = appointment.end + consultation_type.buffer
        appointment.sequence += 1
        appointment.scheduled_at = timezone.now()
        try:
            with transaction.atomic():
                appointment.save()
                _check_no_overlap(appointment)
        except (IntegrityError, OperationalError) as error:
            if not _lost_race(error):
                raise
            appointment.sequence -= 1
            continue
        break
    else:
        raise SlotUnavailable(_alternatives(consultation_type, location, start, now, appointment.pk))

    _supersede_unsent(appointment)
    _log(appointment, AppointmentChange.Action.RESCHEDULED, by=by, old_start=old_start, new_start=appointment.start)
    transaction.on_commit(slots.schedule_changed)
    # The time left behind may suit someone on the waitlist.
    transaction.on_commit(waitlist_offers_enqueue)
    _email(
        appointment,
        AppointmentEmail.RESCHEDULED,
        dedupe=f"rescheduled:{appointment.uid}:{appointment.sequence}",
        old_start=old_start.isoformat(),
    )
    logger.info("Appointment %s moved (sequence %s).", appointment.pk, appointment.sequence)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by=None, note: str = "", now: datetime | None = None
) -> Appointment:
    """Cancel; the patient gets a cancellation that removes the event from their calendar."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED or (by is None and not appointment.patient_can_change(now)):
        raise ChangeWindowPassed(appointment)
    appointment.status = Appointment.Status.CANCELLED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence", "updated_at"])
    _supersede_unsent(appointment)
    _log(appointment, AppointmentChange.Action.CANCELLED, by=by, old_start=appointment.start, note=note)
    transaction.on_commit(slots.schedule_changed)
    transaction.on_commit(waitlist_offers_enqueue)
    # The request stands again as a callback request, unless staff moved it on meanwhile.
    _move_request(
        appointment.request_id,
        from_statuses=[ConsultationRequest.Status.CONSULTATION_SCHEDULED],
        to=ConsultationRequest.Status.NEW,
        by=by,
    )
    _email(appointment, AppointmentEmail.CANCELLED, dedupe=f"cancelled:{appointment.uid}")
    logger.info("Appointment %s cancelled.", appointment.pk)
    return appointment


@transaction.atomic
def appointment_close(*, appointment: Appointment, status: str, by) -> Appointment:
    """Mark a held appointment completed, or the patient as a no-show (staff only, no email)."""
    if status not in (Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW):
        raise ValueError(f"Cannot close an appointment as {status!r}.")
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == status:
        return appointment
    if appointment.status == Appointment.Status.CANCELLED:
        # A cancelled appointment was never held; it cannot be completed or missed.
        raise ChangeWindowPassed(appointment)
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _supersede_unsent(appointment)
    action = (
        AppointmentChange.Action.COMPLETED
        if status == Appointment.Status.COMPLETED
        else AppointmentChange.Action.NO_SHOW
    )
    _log(appointment, action, by=by, old_start=appointment.start)
    return appointment


def reminders_queue(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due. Run every minute by Celery beat.

    A reminder ``h`` hours before is due from ``start - h``; it is named by the appointment, its
    time and ``h``, so it is queued once however often this runs, and a moved appointment gets
    fresh ones. When several are due at once (beat was down), only the nearest is sent. A reminder
    whose moment had already passed when the time was booked is skipped: the confirmation said it all.

    Beside each reminder email goes a text, when the patient agreed to texts and has not replied
    STOP. A text due in the quiet hours of the location's time zone goes before they begin instead.
    """
    now = now or timezone.now()
    hours = sorted(set(settings.SCHEDULING_REMINDER_HOURS))
    if not hours:
        return 0
    quiet = quiet_hours.QuietHours.parse(settings.SMS_QUIET_HOURS)
    due = (
        Appointment.objects.booked()
        # A day more than the furthest reminder: a text moved before the night goes early.
        .filter(start__gt=now, start__lte=now + timedelta(hours=hours[-1] + 24))
        .select_related("request", "location")
    )
    wanted = []
    for appointment in due:
        for kind, prefix, moment_of in (
            (AppointmentEmail.REMINDER, "reminder", lambda m, a: m),
            (AppointmentText.REMINDER, "sms-reminder", lambda m, a: quiet_hours.send_moment(m, a.location.tz, quiet)),
        ):
            for h in hours:  # nearest first
                moment = moment_of(appointment.start - timedelta(hours=h), appointment)
                if moment > now:
                    continue
                if appointment.scheduled_at < moment:
                    key = f"{prefix}:{appointment.pk}:{appointment.start.isoformat()}:{h}"
                    wanted.append((appointment, kind, h, key))
                break
    already = set(Email.objects.filter(dedupe_key__in=[key for *_, key in wanted]).values_list("dedupe_key", flat=True))
    queued = 0
    for appointment, kind, h, key in wanted:
        if key in already:
            continue
        extra = {"hours": h}
        if kind == AppointmentText.REMINDER:
            # A reminder held back by quiet hours past the appointment itself would be noise.
            extra |= {"not_after": appointment.start.isoformat(), "tz": appointment.location.time_zone}
        try:
            with transaction.atomic():
                if _email(appointment, kind, dedupe=key, **extra) is None:
                    continue
        except IntegrityError:
            # Another run queued it at the same moment.
            continue
        queued += 1
    return queued


def waitlist_offers_enqueue() -> None:
    """Ask a worker to offer freed times to the waitlist. A broker that is down only delays it:
    Celery beat runs the same task every few minutes."""
    try:
        # Looked up by name: the waitlist books through this module, and imports only point one way.
        current_app.tasks[WAITLIST_TASK].delay()
    except Exception as exc:
        logger.warning("Waitlist offers not enqueued (%s); the periodic run will make them.", type(exc).__name__)


def _alternatives(consultation_type, location, start, now, exclude_appointment_id=None):
    return slots.next_open(
        consultation_type=consultation_type,
        location=location,
        after=start,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
    )


def _check_no_overlap(appointment):
    # PostgreSQL has already refused an overlap at the insert; this is for SQLite.
    if (
        Appointment.objects.overlapping(
            staff_id=appointment.staff_id, start=appointment.start, until=appointment.blocked_until
        )
        .exclude(pk=appointment.pk)
        .exists()
    ):
        raise Overlap("The staff member is already booked at that time.")


def _log(appointment, action, *, by, old_start=None, new_start=None, note=""):
    change = AppointmentChange.objects.create(
        appointment=appointment,
        action=action,
        changed_by=by,
        old_start=old_start,
        new_start=new_start,
        note=note[:300],
    )
    # The same change, in words, on the request's timeline that staff read.
    tz = appointment.location.tz
    when = " → ".join(f"{timezone.localtime(t, tz):%a %d %b %Y %H:%M %Z}" for t in (old_start, new_start) if t)
    text = f"{change.get_action_display()}: {appointment.consultation_type.name}, {when}"
    RequestEvent.objects.create(
        request_id=appointment.request_id,
        actor=by,
        kind=RequestEvent.Kind.APPOINTMENT,
        text=text + (f" ({note})" if note else ""),
    )


def _move_request(request_id, *, from_statuses, to, by=None):
    """Move the request along the pipeline, recorded on its timeline, unless staff moved it elsewhere."""
    request = ConsultationRequest.objects.filter(pk=request_id, status__in=from_statuses).first()
    if request is not None:
        consultation_request_set_status(request=request, status=to, actor=by)


def _email(appointment, kind, *, dedupe, **extra):
    return email_queue(
        request=appointment.request,
        kind=kind,
        # Several of a kind per request over time (a second booking, each reminder).
        sequence=_next_sequence(appointment.request_id, kind),
        context={
            "appointment_id": appointment.pk,
            "start": appointment.start.isoformat(),
            "sequence": appointment.sequence,
            **extra,
        },
        dedupe_key=dedupe,
    )


def _next_sequence(request_id, kind):
    last = Email.objects.filter(request_id=request_id, kind=kind).order_by("-sequence").first()
    return (last.sequence + 1) if last else 1


def _supersede_unsent(appointment):
    """Emails about this appointment not yet sent describe a time that no longer holds: drop them."""
    emails_supersede(
        emails=Email.objects.filter(
            request_id=appointment.request_id,
            kind__in=AppointmentEmail.values + AppointmentText.values,
            context__appointment_id=appointment.pk,
        ),
        reason="the appointment changed before this was sent.",
    )


def _leave_waitlist(request_id):
    """A patient who books any time leaves the waitlist; their open offers go to others."""
    WaitlistEntry.objects.waiting().filter(request_id=request_id).update(status=WaitlistEntry.Status.BOOKED)
    WaitlistOffer.objects.filter(entry__request_id=request_id, status=WaitlistOffer.Status.OPEN).update(
        status=WaitlistOffer.Status.WITHDRAWN
    )
