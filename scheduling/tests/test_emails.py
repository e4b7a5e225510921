"""The emails and their calendar invites: neutral, parseable, one event for the appointment's life."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from icalendar import Calendar

from booking.models import Email
from booking.services import email_send
from scheduling import services
from scheduling.models import AppointmentEmail, AppointmentLink

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)
MONDAY_9_DST = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
# Nothing in an appointment email may name a treatment, a condition, or what the patient told us.
HEALTH_WORDS = [
    "tms",
    "spravato",
    "esketamine",
    "ketamine",
    "depress",
    "magnetic",
    "antidepressant",
    "treatment",
    "sertraline",
]


@pytest.fixture
def appointment(clinic, consultation, now):
    consultation.message = "Tried sertraline, feeling depressed"
    consultation.save()
    return services.appointment_book(
        request=consultation, consultation_type=clinic["type"], location=clinic["location"], start=TUESDAY_9
    )


def send(kind):
    email = Email.objects.filter(kind=kind).latest("pk")
    assert email_send(email_id=email.pk, worker_key="test").sent
    return mail.outbox[-1]


def invite_of(message):
    (name, content, mimetype), *_ = [a for a in message.attachments if a[0].endswith(".ics")]
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0], content


def assert_neutral(message, ics_text=""):
    everything = " ".join([message.subject, message.body, *(alt[0] for alt in message.alternatives), ics_text]).lower()
    for word in HEALTH_WORDS:
        assert word not in everything, word


def test_the_confirmation_has_the_time_a_private_link_and_a_neutral_invite_in_the_clinic_zone(appointment):
    message = send(AppointmentEmail.CONFIRMED)
    assert message.to == [appointment.request.email]
    assert "Tuesday, March 9, 2027 at 9:00 a.m. EST" in message.subject
    calendar, event, text = invite_of(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["summary"]) == "Riverbend Clinic: Consultation"
    assert str(event["uid"]) == f"{appointment.uid}@{settings.DEFAULT_FROM_EMAIL.rpartition('@')[2]}"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == TUESDAY_9
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/New_York" in text
    assert str(event["status"]) == "CONFIRMED"
    assert_neutral(message, text)

    link = re.search(r"https?://\S+/appointments/manage/[\w-]+/", message.body).group(0)
    assert AppointmentLink.objects.get().appointment == appointment
    assert link in message.alternatives[0][0]


def test_a_move_updates_the_same_event_and_a_cancellation_removes_it(appointment, clinic):
    confirmed = send(AppointmentEmail.CONFIRMED)
    _, first, _ = invite_of(confirmed)

    services.appointment_reschedule(appointment=appointment, start=MONDAY_9_DST)
    moved = send(AppointmentEmail.RESCHEDULED)
    calendar, event, text = invite_of(moved)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == str(first["uid"])
    assert event["sequence"] == 1
    # 9:00 local on both sides of the clock change.
    assert event.decoded("dtstart") == MONDAY_9_DST
    assert event.decoded("dtstart").astimezone(clinic["location"].tz).hour == 9
    assert "Monday, March 15, 2027 at 9:00 a.m. EDT" in moved.body
    assert "Tuesday, March 9, 2027 at 9:00 a.m. EST" in moved.body  # the old time
    assert_neutral(moved, text)

    services.appointment_cancel(appointment=appointment)
    cancelled = send(AppointmentEmail.CANCELLED)
    calendar, event, text = invite_of(cancelled)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(first["uid"])
    assert event["sequence"] == 2
    assert "/appointments/manage/" not in cancelled.body
    assert_neutral(cancelled, text)


def test_a_reminder_is_neutral_and_each_email_carries_its_own_working_link(appointment, now, client):
    send(AppointmentEmail.CONFIRMED)
    now.move_to(TUESDAY_9 - timedelta(hours=24))
    services.reminders_queue()
    reminder = send(AppointmentEmail.REMINDER)
    assert reminder.subject.startswith("Reminder: your consultation")
    assert_neutral(reminder, invite_of(reminder)[2])
    links = [re.search(r"https?://\S+(/appointments/manage/[\w-]+/)", m.body).group(1) for m in mail.outbox]
    assert len(set(links)) == 2
    for path in links:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/appointments/manage/"


def test_a_retried_email_gets_a_new_link_and_the_unsent_one_stops_working(appointment):
    email = Email.objects.get(kind=AppointmentEmail.CONFIRMED)
    from scheduling.emails import _context

    _context(email)
    _context(email)  # a retry builds the message again
    assert AppointmentLink.objects.filter(revoked_at__isnull=True).count() == 1
    assert AppointmentLink.objects.count() == 2
