"""A patient who asked in Spanish books, moves and is reminded in Spanish, whoever does it.

The outbox sends in the language stored on the request; the worker, the staff member who moved
the time and this test all run in English around it.
"""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from icalendar import Calendar

from booking.models import Email
from booking.services import email_send
from scheduling import services
from scheduling.models import AppointmentEmail
from scheduling.tests.conftest import book_as

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)


@pytest.fixture
def spanish(consultation):
    consultation.language = "es"
    consultation.save(update_fields=["language"])
    return consultation


@pytest.fixture
def appointment(clinic, spanish, now):
    return services.appointment_book(
        request=spanish, consultation_type=clinic["type"], location=clinic["location"], start=TUESDAY_9
    )


def send_in_english(kind):
    """Send the latest email of that kind as an English-speaking worker would."""
    email = Email.objects.filter(kind=kind).latest("pk")
    with translation.override("en"):
        assert email_send(email_id=email.pk, worker_key="test").sent
    return mail.outbox[-1]


def html_of(message):
    return message.alternatives[0][0]


def event_of(message):
    (content,) = [content for name, content, mimetype in message.attachments if name.endswith(".ics")]
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def test_the_confirmation_its_invite_and_its_link_are_in_spanish(appointment, spanish):
    message = send_in_english(AppointmentEmail.CONFIRMED)
    assert message.subject == "Su consulta está reservada: martes, 9 de marzo de 2027 a las 09:00 EST"
    assert message.body.startswith(f"Hola, {spanish.first_name}:")
    assert "Cuándo: martes, 9 de marzo de 2027 a las 09:00 EST" in message.body
    assert "Duración: 20 minutos" in message.body
    assert "Cómo: Por teléfono: le llamaremos al número que nos dio" in message.body
    assert "Para cambiar o cancelar, use su enlace privado" in message.body
    assert "Su consulta gratuita con Riverbend Clinic está reservada." in html_of(message)
    for english in ("Hello", "When:", "booked", "minutes"):
        assert english not in message.body

    calendar, event = event_of(message)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["summary"]) == "Riverbend Clinic: Consulta"
    assert str(event["location"]) == "Llamada telefónica (nosotros le llamamos)"
    assert str(event["description"]).startswith(f"Referencia {spanish.reference}. Para cambiar o cancelar,")
    assert event.decoded("dtstart") == TUESDAY_9
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert calendar.walk("VTIMEZONE"), "the invite carries its time zone"

    # The private link opens the Spanish pages.
    link = re.search(r"https?://\S+/es/appointments/manage/[\w-]+/", message.body).group(0)
    assert link in html_of(message)
    response = Client().get(urlsplit(link).path, follow=True)
    assert response.redirect_chain[-1][0] == "/es/appointments/manage/"
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Su consulta" in page and "martes, 9 de marzo de 2027 a las 09:00 EST" in page
    assert "Elegir otro horario" in page and "Reservada" in page


def test_english_staff_moving_or_cancelling_a_spanish_patients_time_send_spanish(
    appointment, spanish, admin_client, admin_user, settings, now
):
    settings.ADMIN_REQUIRE_2FA = False
    send_in_english(AppointmentEmail.CONFIRMED)
    url = f"/admin/scheduling/appointment/{appointment.pk}/reschedule/"
    response = admin_client.post(
        url, {"day": "2027-03-15", "time": "14:00", "staff": appointment.staff_id}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert "Rescheduled" in admin_client.get(f"/admin/scheduling/appointment/{appointment.pk}/change/").content.decode()

    moved = send_in_english(AppointmentEmail.RESCHEDULED)
    assert moved.subject == "Su consulta cambió de horario: lunes, 15 de marzo de 2027 a las 14:00 EDT"
    assert "Nuevo horario: lunes, 15 de marzo de 2027 a las 14:00 EDT" in moved.body
    assert "(Antes era: martes, 9 de marzo de 2027 a las 09:00 EST)" in moved.body
    assert "/es/appointments/manage/" in moved.body
    calendar, event = event_of(moved)
    assert str(event["summary"]) == "Riverbend Clinic: Consulta" and event["sequence"] == 1

    appointment.refresh_from_db()
    services.appointment_cancel(appointment=appointment, by=admin_user)
    cancelled = send_in_english(AppointmentEmail.CANCELLED)
    assert cancelled.subject == f"Su consulta está cancelada ({spanish.reference})"
    assert "Su consulta del lunes, 15 de marzo de 2027 a las 14:00 EDT está cancelada." in cancelled.body
    calendar, event = event_of(cancelled)
    assert str(calendar["method"]) == "CANCEL" and str(event["summary"]) == "Riverbend Clinic: Consulta"


def test_a_spanish_reminder_email_says_today_in_spanish(appointment, now):
    now.move_to(datetime(2027, 3, 9, 12, 1, tzinfo=UTC))  # two hours before, less a minute
    assert services.reminders_queue() == 1
    reminder = send_in_english(AppointmentEmail.REMINDER)
    assert reminder.subject == "Recordatorio: su consulta es hoy"
    assert "Le recordamos su consulta gratuita con Riverbend Clinic." in reminder.body
    assert "Si no puede asistir, avísenos: use su enlace privado (hasta 24 horas antes)" in reminder.body


def test_the_spanish_slot_picker_writes_days_and_times_the_spanish_way(client, clinic, spanish, now):
    book_as(client, spanish)
    page = client.get("/es/appointments/book/").content.decode()
    assert '<html lang="es">' in page
    assert "Elija un horario para su consulta gratuita" in page
    assert "Horarios disponibles el martes, 9 de marzo" in page
    assert re.search(r'<label class="form-check-label" for="start-\d+">09:00</label>', page)
    assert ">mar 9 de marzo</a>" in page  # the list of days
    assert "a.m." not in page and "Tuesday" not in page
    # The patient's own time, in a zone where it is another day.
    honolulu = client.get("/es/appointments/book/?tz=Pacific/Honolulu&day=2027-03-09").content.decode()
    assert "04:00, su hora" in honolulu
    tokyo = client.get("/es/appointments/book/?tz=Asia/Tokyo&day=2027-03-09").content.decode()
    assert "23:00, su hora" in tokyo
    assert re.search(r"00:\d\d del miércoles 10, su hora", tokyo)
    # The small script's words come from the page, in Spanish.
    assert 'data-device-note="Su dispositivo usa la zona horaria {zone};' in page


def test_the_english_slot_picker_is_unchanged(client, clinic, consultation, now):
    book_as(client, consultation)
    page = client.get("/appointments/book/").content.decode()
    assert '<html lang="en">' in page
    assert "Open times on Tuesday, March 9" in page
    assert re.search(r'<label class="form-check-label" for="start-\d+">9:00 a.m.</label>', page)
    assert ">Tue, Mar 9</a>" in page
    tokyo = client.get("/appointments/book/?tz=Asia/Tokyo&day=2027-03-09").content.decode()
    assert re.search(r"12:\d\d a.m. on Wed 10 your time", tokyo)
