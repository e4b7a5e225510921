"""Calendar invites (.ics) for appointments.

The title names the clinic and "Consultation" and nothing else: calendars are shared,
shown on lock screens and synced to work accounts, so no treatment or condition appears.
One appointment is one calendar event for its whole life: the UID never changes and
SEQUENCE grows with every change, so a calendar updates or removes the event it already has.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from scheduling.models import Appointment, ConsultationType

PRODID = "-//Clinic consultation booking//EN"


def calendar_name() -> str:
    return settings.SCHEDULING_CALENDAR_NAME or settings.CLINIC_NAME


def appointment_uid(appointment: Appointment) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"{appointment.uid}@{domain}"


def appointment_ics(appointment: Appointment) -> str:
    """The invite for the appointment as it stands: a request while booked, a cancellation after."""
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    # Local times with their zone (TZID and a VTIMEZONE below), so the event sits at the
    # clinic's 9:00 even if the patient's calendar is set elsewhere.
    event.add("dtstart", appointment.local_start)
    event.add("dtend", appointment.local_end)
    # The words in the patient's language: the outbox builds the invite inside their language.
    event.add("summary", _("%(clinic)s: Consultation") % {"clinic": calendar_name()})
    event.add("location", _where(appointment))
    event.add(
        "description",
        _("Reference %(reference)s. To change or cancel, use the link in your email or call %(phone)s.")
        % {"reference": appointment.request.reference, "phone": settings.CLINIC_PHONE},
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{settings.CLINIC_EMAIL}")
    organizer.params["cn"] = vText(calendar_name())
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.request.email}")
    attendee.params["cn"] = vText(appointment.request.first_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    # Only the zone's rules around the event: the full history since 1970 would bloat every invite.
    day = appointment.local_start.date()
    calendar.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=366))
    return calendar.to_ical().decode()


def _where(appointment):
    mode = appointment.consultation_type.mode
    if mode == ConsultationType.Mode.IN_PERSON:
        return ", ".join(part for part in (appointment.location.name, appointment.location.address) if part)
    if mode == ConsultationType.Mode.VIDEO:
        return _("Video call (we will email you how to join)")
    return _("Phone call (we will call you)")
