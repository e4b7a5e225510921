"""A Spanish patient's reminder through the real stack: the beat task run by a Celery worker
process (English, as the clinic's workers are), an SMTP server, and a local stand-in for
Twilio's Messages API. The email and the text are in the language the patient asked in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Email
from booking.services import texts
from booking.tests.conftest import live_services, mailbox, processes, smtp  # noqa: F401 - fixtures
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.services import start_worker, wait_until
from scheduling import services, slots
from scheduling.models import Appointment, AppointmentEmail, AppointmentText
from scheduling.tasks import queue_reminders
from scheduling.tests.factories import AvailabilityFactory, ConsultationTypeFactory, LocationFactory, StaffFactory

pytestmark = pytest.mark.services


def test_the_beat_task_reminds_a_spanish_patient_in_spanish_by_email_and_text(
    live_services,  # noqa: F811
    smtp,  # noqa: F811
    mailbox,  # noqa: F811
    processes,  # noqa: F811
    twilio,
    settings,
):
    settings.SMS_QUIET_HOURS = ""
    env = {
        **live_services["env"],
        **twilio.settings(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp}",
        "SMS_QUIET_HOURS": "",
        "SITE_URL": settings.SITE_URL,
        "LANGUAGE": "en_US.UTF-8",
        # Every open time is within two days: a 48-hour reminder is due as soon as beat asks.
        "SCHEDULING_REMINDER_HOURS": "48",
    }
    processes.append(start_worker(env, live_services["tmp"] / "worker.log"))

    location, consultation_type, staff = LocationFactory(), ConsultationTypeFactory(), StaffFactory()
    for weekday in range(7):
        AvailabilityFactory(staff=staff, location=location, weekday=weekday)
    request = ConsultationRequestFactory(phone="+12025550143", first_name="Lucía", language="es")
    texts.sms_consent_record(request=request, text=texts.sms_consent_text())
    slot = slots.next_open(consultation_type=consultation_type, location=location, after=timezone.now(), count=1)[0]
    appointment = services.appointment_book(
        request=request, consultation_type=consultation_type, location=location, start=slot.start
    )
    confirmation = mailbox.wait_for(1)[0]
    assert _subject(confirmation).startswith("Su consulta está reservada: ")
    # Booked well before its reminder time, as a real booking two days ahead would be.
    Appointment.objects.filter(pk=appointment.pk).update(scheduled_at=timezone.now() - timedelta(days=3))

    queue_reminders.delay()  # what beat sends every minute
    wait_until(lambda: _reminders(mailbox), message="the reminder email")
    wait_until(lambda: len(twilio.messages) == 1, message="the reminder text")

    (reminder,) = _reminders(mailbox)
    assert Email.objects.get(kind=AppointmentEmail.REMINDER).status == Email.Status.SENT
    local = timezone.localtime(appointment.start, location.tz)
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio"]
    months += ["julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
    day = f"{local.day} de {months[local.month - 1]} de {local.year} a las {local:%H:%M} {local:%Z}"
    assert _subject(reminder).startswith("Recordatorio: su consulta del ")
    assert _subject(reminder).endswith(day)
    body = reminder.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Hola, Lucía:")
    assert "Le recordamos su consulta gratuita con Riverbend Clinic." in body
    assert "/es/appointments/manage/" in body
    assert "Hello" not in body and "reminder" not in body.lower()

    (text,) = twilio.messages
    assert text["To"] == "+12025550143"
    assert text["Body"].startswith("Riverbend Clinic: recordatorio de su consulta el ")
    assert f"{local.day} de {months[local.month - 1]} a las {local:%H:%M} {local:%Z}" in text["Body"]
    assert "por llamada telefónica. Cambiar o cancelar: " in text["Body"]
    assert "/es/appointments/manage/" in text["Body"]
    assert text["Body"].endswith("Responda STOP para no recibir más textos.")
    assert Email.objects.get(kind=AppointmentText.REMINDER).status == Email.Status.SENT


def _reminders(box):
    return [message for message in box.messages if _subject(message).startswith("Recordatorio")]


def _subject(message):
    # The header as a reader sees it (a folded, encoded header may start with a space).
    return " ".join(str(message["Subject"]).split())
