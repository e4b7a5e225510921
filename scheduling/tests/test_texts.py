"""Reminder texts: beside each reminder email when the patient agreed, never in quiet hours
(moved before them, across a clock change), sent once, never after a cancellation or a STOP."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from booking.models import Email
from booking.services import email_send, texts
from booking.tests.factories import ConsultationRequestFactory
from core import sms
from scheduling import services
from scheduling.models import AppointmentEmail, AppointmentText

# Monday 15 March 2027, 9:00 EDT: the day after clocks in New York go forward.
MONDAY_9 = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
HEALTH_WORDS = ["TMS", "SPRAVATO", "esketamine", "depress", "ketamine", "magnetic", "treatment"]


@pytest.fixture
def twilio(twilio, settings):
    settings.SITE_URL = "https://clinic.example"
    return twilio


@pytest.fixture
def patient(db, settings):
    settings.SMS_BACKEND = settings.SMS_BACKEND or "console"
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    request = ConsultationRequestFactory(phone="+12025550143")
    texts.sms_consent_record(request=request, text=texts.sms_consent_text())
    return request


def book(clinic, request, start=MONDAY_9):
    return services.appointment_book(
        request=request, consultation_type=clinic["type"], location=clinic["location"], start=start
    )


def text_rows():
    return Email.objects.filter(kind=AppointmentText.REMINDER).order_by("pk")


def test_a_text_goes_beside_each_reminder_and_the_night_one_moves_before_quiet_hours(clinic, patient, now):
    appointment = book(clinic, patient)
    day_before = MONDAY_9 - timedelta(hours=24)  # Sunday 9:00 EDT, after the change
    now.move_to(day_before + timedelta(minutes=1))
    assert services.reminders_queue() == 2
    assert text_rows().count() == 1 and Email.objects.filter(kind=AppointmentEmail.REMINDER).count() == 1

    # The two-hour reminder is due at 7:00 EDT on Monday, inside quiet hours: its text goes on
    # Sunday at 20:45 EDT (00:45 UTC), and its email at 7:00 as before.
    evening = datetime(2027, 3, 15, 0, 45, tzinfo=UTC)
    now.move_to(evening - timedelta(minutes=1))
    assert services.reminders_queue() == 0
    now.move_to(evening + timedelta(minutes=1))
    assert services.reminders_queue() == 1
    assert text_rows().last().context["hours"] == 2
    now.move_to(MONDAY_9 - timedelta(hours=2))
    assert services.reminders_queue() == 1
    assert Email.objects.filter(kind=AppointmentEmail.REMINDER).count() == 2
    assert services.reminders_queue() == 0
    assert text_rows().count() == 2
    assert all(row.context["not_after"] == appointment.start.isoformat() for row in text_rows())


def test_no_text_without_consent_or_after_stop(clinic, now, settings, patient):
    settings.SMS_BACKEND = "console"
    silent = ConsultationRequestFactory(phone="+12025550188")
    stopped = ConsultationRequestFactory(phone="+12025550177")
    texts.sms_consent_record(request=stopped, text=texts.sms_consent_text())
    texts.sms_reply_receive(phone="+12025550177", body="STOP")
    book(clinic, silent, MONDAY_9)
    book(clinic, stopped, MONDAY_9 + timedelta(minutes=30))
    now.move_to(MONDAY_9 - timedelta(hours=23))
    assert services.reminders_queue() == 2  # two emails, no text
    assert not text_rows().exists()


def test_the_text_is_sent_once_short_with_a_private_link_and_no_health_information(clinic, patient, twilio, now):
    book(clinic, patient)
    now.move_to(MONDAY_9 - timedelta(hours=23))
    services.reminders_queue()
    text = text_rows().get()

    assert email_send(email_id=text.pk, worker_key="first").sent
    assert not email_send(email_id=text.pk, worker_key="second").sent  # a redelivered task
    assert len(twilio.messages) == 1
    message = twilio.messages[0]
    body = message["Body"]
    assert message["To"] == "+12025550143"
    assert message["StatusCallback"] == "https://clinic.example/consultation/sms/status/"
    assert body.startswith("Riverbend Clinic:")
    assert "Mon Mar 15 at 9:00 a.m. EDT" in body
    assert "Reply STOP" in body
    assert sms.segments(body) <= 2
    for word in HEALTH_WORDS:
        assert word.lower() not in body.lower(), word
    text.refresh_from_db()
    assert (text.status, text.provider_id, text.delivery_status) == ("sent", message["sid"], "queued")

    # The link in the text opens the patient's appointment.
    link = re.search(r"https://clinic\.example(/appointments/manage/[\w-]+/)", body).group(1)
    browser = Client()
    assert browser.get(link)["Location"] == "/appointments/manage/"
    assert "Mon" in browser.get("/appointments/manage/").content.decode()


def test_a_failed_text_is_retried_and_a_cancellation_stops_it(clinic, patient, twilio, now):
    appointment = book(clinic, patient)
    now.move_to(MONDAY_9 - timedelta(hours=23))
    services.reminders_queue()
    text = text_rows().get()
    twilio.fail_next = 1
    outcome = email_send(email_id=text.pk, worker_key="first")
    assert not outcome.sent and outcome.retry_in
    text.refresh_from_db()
    assert text.status == Email.Status.RETRYING and "500" in text.last_error

    staff = get_user_model().objects.create_user("coordinator", is_staff=True)
    services.appointment_cancel(appointment=appointment, by=staff)
    text.refresh_from_db()
    assert text.status == Email.Status.SUPERSEDED
    assert not email_send(email_id=text.pk, worker_key="retry").sent
    assert twilio.messages == []


def test_a_stop_after_queueing_stops_the_queued_text(clinic, patient, twilio, now):
    book(clinic, patient)
    now.move_to(MONDAY_9 - timedelta(hours=23))
    services.reminders_queue()
    texts.sms_reply_receive(phone="+12025550143", body="stop")
    assert not email_send(email_id=text_rows().get().pk, worker_key="w").sent
    assert twilio.messages == []
    assert text_rows().get().status == Email.Status.SUPERSEDED


def test_a_text_whose_turn_comes_in_quiet_hours_waits_for_the_morning(clinic, patient, twilio, now):
    book(clinic, patient)
    now.move_to(MONDAY_9 - timedelta(hours=23))
    services.reminders_queue()
    text = text_rows().get()
    # The broker was down all evening: the text's turn comes at 23:30 EDT.
    late = datetime(2027, 3, 15, 3, 30, tzinfo=UTC)
    with time_machine.travel(late, tick=False):
        assert not email_send(email_id=text.pk, worker_key="w").sent
    text.refresh_from_db()
    assert text.status == Email.Status.RETRYING
    assert text.next_attempt_at == datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # 8:00 EDT
    assert text.attempts == 0
    assert twilio.messages == []
    with time_machine.travel(datetime(2027, 3, 15, 12, 1, tzinfo=UTC), tick=False):
        assert email_send(email_id=text.pk, worker_key="w2").sent
    assert len(twilio.messages) == 1


def test_a_text_held_past_the_appointment_is_never_sent(clinic, patient, twilio, now):
    book(clinic, patient)
    now.move_to(MONDAY_9 - timedelta(hours=23))
    services.reminders_queue()
    with time_machine.travel(MONDAY_9 + timedelta(minutes=5), tick=False):
        assert not email_send(email_id=text_rows().get().pk, worker_key="w").sent
    assert text_rows().get().status == Email.Status.SUPERSEDED
    assert twilio.messages == []
