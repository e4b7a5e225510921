"""The patient's language follows them: a request sent from the Spanish form is stored as Spanish,
and the outbox writes that patient's emails in Spanish whatever language the sending process runs in.
Staff emails stay in the clinic's language."""

import pytest
from django.core import mail
from django.utils import translation

from booking.models import ConsultationRequest, Email
from booking.services import emails
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.forms import valid_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.CONSULTATION_RATE_LIMIT = 10_000
    settings.ADMIN_REQUIRE_2FA = False


def _send_again_in_english(email):
    Email.objects.filter(pk=email.pk).update(status=Email.Status.PENDING)
    mail.outbox.clear()
    with translation.override("en"):
        emails.email_send(email_id=email.pk, worker_key="worker-en")
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_a_request_from_the_spanish_form_is_stored_as_spanish(client):
    client.post("/es/consultation/", valid_form_data())
    assert ConsultationRequest.objects.get().language == "es"


def test_a_request_from_the_english_form_is_stored_as_english(client):
    client.post("/consultation/", valid_form_data())
    assert ConsultationRequest.objects.get().language == "en"


def test_the_spanish_patients_confirmation_is_in_spanish_even_from_an_english_worker(client):
    client.post("/es/consultation/", valid_form_data())
    request = ConsultationRequest.objects.get()
    email = Email.objects.get(request=request, kind=Email.Kind.REQUEST_RECEIVED)
    sent = _send_again_in_english(email)
    html = sent.alternatives[0][0]
    assert sent.subject == f"Recibimos su solicitud ({request.reference})"
    assert "Hola, Dana:" in sent.body
    assert "llame al 988 y oprima 2, o envíe AYUDA por mensaje de texto al 988" in sent.body
    assert "/es/consultation/intake/" in sent.body
    assert '<html lang="es">' in html and "Compartir mis tratamientos anteriores" in html
    assert "Thank you for contacting" not in sent.body + html


def test_an_english_patients_confirmation_stays_in_english_from_a_spanish_process():
    request = ConsultationRequestFactory(language="en")
    email = Email.objects.create(request=request, kind=Email.Kind.REQUEST_RECEIVED, recipients=[request.email])
    with translation.override("es"):
        emails.email_send(email_id=email.pk, worker_key="worker-es")
    sent = mail.outbox[-1]
    assert sent.subject == f"We received your request ({request.reference})"
    assert "/es/" not in sent.body


def test_staff_emails_about_a_spanish_request_stay_in_english():
    request = ConsultationRequestFactory(language="es")
    email = Email.objects.create(
        request=request, kind=Email.Kind.STAFF_NEW_REQUEST, recipients=["staff@clinic.example"]
    )
    with translation.override("es"):
        emails.email_send(email_id=email.pk, worker_key="worker-es")
    html = mail.outbox[-1].alternatives[0][0]
    assert '<html lang="en">' in html


def test_staff_see_and_filter_the_patients_language(admin_client):
    spanish = ConsultationRequestFactory(language="es")
    english = ConsultationRequestFactory(language="en")
    listing = admin_client.get("/admin/booking/consultationrequest/?language__exact=es").content.decode()
    assert spanish.reference in listing and english.reference not in listing
    assert "Español" in listing
    detail = admin_client.get(f"/admin/booking/consultationrequest/{spanish.pk}/change/").content.decode()
    assert "Español" in detail
    # The admin itself stays in the staff member's language.
    assert '<html lang="en"' in detail


def test_the_spanish_form_leads_to_the_spanish_thanks_page(client):
    response = client.post("/es/consultation/", valid_form_data(), follow=True)
    assert response.redirect_chain == [("/es/consultation/thanks/", 302)]
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Gracias, recibimos su solicitud" in html
    assert "llame al" in html and "oprima 2" in html
