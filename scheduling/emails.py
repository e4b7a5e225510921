"""The appointment emails, sent through booking's outbox: their templates, the time, private links, the invite.

Emails name the time, the kind of call and the clinic; never a treatment or a condition.
"""

from datetime import datetime

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import pgettext, pgettext_lazy

from booking.services import EmailKind, email_kind_register
from scheduling import invites, links
from scheduling.models import (
    Appointment,
    AppointmentEmail,
    AppointmentText,
    ConsultationType,
    WaitlistMessage,
    WaitlistOffer,
)


def register():
    for kind, label in AppointmentEmail.choices:
        # A cancellation carries no link to change a time that no longer exists.
        context = _context_without_link if kind == AppointmentEmail.CANCELLED else _context
        email_kind_register(
            EmailKind(key=kind, label=label, template=f"scheduling/emails/{kind}", context=context, attachments=_invite)
        )
    # Texts: the body is the template's .txt, short enough for one or two segments.
    email_kind_register(
        EmailKind(
            key=AppointmentText.REMINDER,
            label=AppointmentText.REMINDER.label,
            template="scheduling/sms/appointment_reminder",
            context=_context,
            channel="sms",
        )
    )
    email_kind_register(
        EmailKind(
            key=WaitlistMessage.OFFER,
            label=WaitlistMessage.OFFER.label,
            template="scheduling/emails/waitlist_offer",
            context=_offer_context,
        )
    )
    email_kind_register(
        EmailKind(
            key=WaitlistMessage.OFFER_TEXT,
            label=WaitlistMessage.OFFER_TEXT.label,
            template="scheduling/sms/waitlist_offer",
            context=_offer_context,
            channel="sms",
        )
    )
    email_kind_register(
        EmailKind(
            key=WaitlistMessage.TAKEN,
            label=WaitlistMessage.TAKEN.label,
            template="scheduling/emails/waitlist_time_taken",
            context=_offer_context_without_link,
        )
    )


# How dates and times are written, as formats for Django's date filter that are translated like
# any other text: each language orders them its own way, and Django's own names of days and
# months fill them in ("martes, 8 de diciembre de 2026"). The Spanish formats follow Django's
# es locale (TIME_FORMAT "H:i", MONTH_DAY_FORMAT "j \d\e F").
DAY_WITH_YEAR = pgettext_lazy("date format: an appointment's day, with its year", "l, F j, Y")
DAY = pgettext_lazy("date format: an appointment's day", "l, F j")
SHORT_DAY = pgettext_lazy("date format: an appointment's day in a text message", "D M j")
CLOCK = pgettext_lazy("time format: an appointment's time of day", "g:i a")


def when_text(moment: datetime, tz) -> str:
    """For example "Monday, November 2, 2026 at 9:00 a.m. EST"."""
    local = timezone.localtime(moment, tz)
    return _at(dateformat.format(local, str(DAY_WITH_YEAR)), local)


def _at(day: str, local: datetime) -> str:
    # Translators: a day, then its time of day and time zone: "Monday, November 2 at 9:00 a.m. EST".
    return pgettext("a day and a time", "%(day)s at %(time)s %(zone)s") % {
        "day": day,
        "time": clock_text(local),
        "zone": local.strftime("%Z"),
    }


def _clock_with_zone(moment, tz):
    local = timezone.localtime(moment, tz)
    return f"{clock_text(local)} {local:%Z}"


def _short_when(moment, tz):
    local = timezone.localtime(moment, tz)
    return _at(dateformat.format(local, str(SHORT_DAY)), local)


def clock_text(local: datetime) -> str:
    return dateformat.format(local, str(CLOCK))


def _appointment(email):
    return Appointment.objects.select_related("consultation_type", "location", "request").get(
        pk=email.context["appointment_id"]
    )


def _context_without_link(email):
    appointment = _appointment(email)
    tz = appointment.location.tz
    old_start = email.context.get("old_start")
    mode = appointment.consultation_type.mode
    return {
        "appointment": appointment,
        "when": when_text(appointment.start, tz),
        "old_when": when_text(datetime.fromisoformat(old_start), tz) if old_start else None,
        "duration_minutes": appointment.consultation_type.duration_minutes,
        "mode": mode,
        "mode_label": appointment.consultation_type.get_mode_display().lower(),
        "is_phone": mode == ConsultationType.Mode.PHONE,
        "is_video": mode == ConsultationType.Mode.VIDEO,
        "is_in_person": mode == ConsultationType.Mode.IN_PERSON,
        "location": appointment.location,
        "hours": email.context.get("hours"),
        "short_when": _short_when(appointment.start, tz),
        "change_window_hours": change_window_hours(),
    }


def _context(email):
    context = _context_without_link(email)
    token = links.appointment_link_issue(appointment=context["appointment"], email=email)
    context["manage_url"] = links.manage_url(token)
    return context


def _offer_context_without_link(email):
    offer = WaitlistOffer.objects.select_related("entry__consultation_type", "entry__location").get(
        pk=email.context["offer_id"]
    )
    entry = offer.entry
    tz = entry.location.tz
    return {
        "offer": offer,
        "when": when_text(offer.start, tz),
        # Short forms for a text message.
        "short_when": _short_when(offer.start, tz),
        "expires_when": when_text(offer.expires_at, tz),
        "expires_clock": _clock_with_zone(offer.expires_at, tz),
        "consultation_type": entry.consultation_type,
        "location": entry.location,
        "is_in_person": entry.consultation_type.mode == ConsultationType.Mode.IN_PERSON,
        "mode_label": entry.consultation_type.get_mode_display().lower(),
        "duration_minutes": entry.consultation_type.duration_minutes,
    }


def _offer_context(email):
    context = _offer_context_without_link(email)
    context["offer_url"] = links.offer_url(links.offer_link_issue(offer=context["offer"], email=email))
    return context


def _invite(email):
    appointment = _appointment(email)
    method = "CANCEL" if appointment.status == Appointment.Status.CANCELLED else "REQUEST"
    return [("invite.ics", invites.appointment_ics(appointment), f"text/calendar; method={method}")]


def change_window_hours():
    """The change window for people to read: 24, not 24.0."""
    value = settings.SCHEDULING_CHANGE_WINDOW_HOURS
    return int(value) if float(value).is_integer() else value
