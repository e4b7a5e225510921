"""Reminder texts through the real stack: PostgreSQL, Redis, a Celery worker process, an SMTP
server for the emails beside them, and a local server that speaks Twilio's Messages API."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.models import Email
from booking.services import texts
from booking.tests.conftest import live_services, mailbox, processes, smtp  # noqa: F401 - fixtures
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.services import start_worker, wait_until
from scheduling import services, slots
from scheduling.models import AppointmentText
from scheduling.tests.factories import AvailabilityFactory, ConsultationTypeFactory, LocationFactory, StaffFactory

pytestmark = pytest.mark.services


def test_a_reminder_text_is_sent_once_at_its_time_and_never_after_a_cancellation(
    live_services,  # noqa: F811
    smtp,  # noqa: F811
    mailbox,  # noqa: F811
    processes,  # noqa: F811
    twilio,
    settings,
):
    # Quiet hours have tests of their own; here the worker must send whatever the real clock says.
    settings.SMS_QUIET_HOURS = ""
    env = {
        **live_services["env"],
        **twilio.settings(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp}",
        "SMS_QUIET_HOURS": "",
        "SITE_URL": settings.SITE_URL,
    }
    processes.append(start_worker(env, live_services["tmp"] / "worker.log"))

    location, consultation_type, staff = LocationFactory(), ConsultationTypeFactory(), StaffFactory()
    for weekday in range(7):
        AvailabilityFactory(staff=staff, location=location, weekday=weekday)
    request = ConsultationRequestFactory(phone="+12025550143")
    texts.sms_consent_record(request=request, text=texts.sms_consent_text())
    slot = slots.next_open(consultation_type=consultation_type, location=location, after=timezone.now(), count=1)[0]
    appointment = services.appointment_book(
        request=request, consultation_type=consultation_type, location=location, start=slot.start
    )
    mailbox.wait_for(1)  # the confirmation email

    # Not a minute early; then once, however often beat asks.
    day_before = appointment.start - timedelta(hours=24)
    assert services.reminders_queue(now=day_before - timedelta(minutes=1)) == 0
    assert services.reminders_queue(now=day_before + timedelta(minutes=1)) == 2  # the email and the text
    wait_until(lambda: len(twilio.messages) == 1, message="the reminder text")
    assert services.reminders_queue(now=day_before + timedelta(minutes=2)) == 0
    time.sleep(2)
    assert len(twilio.messages) == 1
    text = Email.objects.get(kind=AppointmentText.REMINDER)
    assert (text.status, text.provider_id) == ("sent", twilio.messages[0]["sid"])
    assert twilio.messages[0]["To"] == "+12025550143"
    assert "Riverbend Clinic" in twilio.messages[0]["Body"]

    # The provider fails while the two-hour text is due; the worker retries it; then the
    # appointment is cancelled, and the text never goes, even once the provider is back.
    twilio.failing = True
    assert services.reminders_queue(now=appointment.start - timedelta(hours=2) + timedelta(minutes=1)) == 2
    second = Email.objects.filter(kind=AppointmentText.REMINDER).latest("pk")
    wait_until(lambda: twilio.requests >= 3, message="retries against the failing provider")
    services.appointment_cancel(appointment=appointment, by=get_user_model().objects.create_user("coordinator"))
    second.refresh_from_db()
    assert second.status == Email.Status.SUPERSEDED
    twilio.failing = False
    time.sleep(3)
    assert len(twilio.messages) == 1
    second.refresh_from_db()
    assert second.status == Email.Status.SUPERSEDED and second.attempts >= 2
