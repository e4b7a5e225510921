"""Text messages on booking's side: the separate consent on the request form, the STOP/START/HELP
webhook and the delivery reports staff see, both behind Twilio's signature."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, User

from booking.models import ConsultationRequest, Email, SmsConsent, SmsOptOut
from booking.services import texts
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.forms import valid_form_data
from core import sms
from core.roles import coordinator_group_sync

TOKEN = "test-auth-token-0123456789abcdef"
# A kind registered by another app with channel "sms"; booking only sees its name.
TEXT_KIND = "appointment_reminder_sms"


@pytest.fixture(autouse=True)
def _texts_on(settings):
    settings.SMS_BACKEND = "console"
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = "https://clinic.example"
    settings.CLINIC_NAME = "Riverbend Clinic"
    settings.CLINIC_PHONE = "+1 555 010 0100"
    # The request form's rate limit counts in Redis, across tests.
    settings.CONSULTATION_RATE_LIMIT = 10_000


def signed_post(client, path, data, *, token=TOKEN, signature=None):
    url = "https://clinic.example" + path
    if signature is None:
        signature = sms.twilio_signature(url, data, token)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)


def consenting_request(**kwargs):
    request = ConsultationRequestFactory(phone="+12025550143", **kwargs)
    texts.sms_consent_record(request=request, text=texts.sms_consent_text())
    return request


@pytest.mark.django_db
def test_the_form_asks_separately_for_texts_unticked_with_the_consent_words(client):
    page = client.get("/consultation/").content.decode()
    box = page[page.index('name="sms_reminders"') - 200 : page.index('name="sms_reminders"') + 200]
    assert 'type="checkbox"' in box and "checked" not in box
    assert texts.sms_consent_text() in page
    assert "Reply STOP to stop" in texts.sms_consent_text()


@pytest.mark.django_db
def test_ticking_the_box_stores_the_words_shown_the_time_and_the_number(client):
    client.post("/consultation/", valid_form_data(sms_reminders="on"))
    consent = SmsConsent.objects.get()
    assert consent.request == ConsultationRequest.objects.get()
    assert consent.text == texts.sms_consent_text()
    assert str(consent.phone) == "+12025550143"
    assert consent.given_at is not None
    assert texts.sms_allowed(consent.request)


@pytest.mark.django_db
def test_no_tick_no_consent_and_no_texts(client):
    client.post("/consultation/", valid_form_data())
    request = ConsultationRequest.objects.get()
    assert not SmsConsent.objects.exists()
    assert not texts.sms_allowed(request)


@pytest.mark.django_db
def test_without_an_sms_backend_the_form_does_not_offer_texts(client, settings):
    settings.SMS_BACKEND = ""
    assert 'name="sms_reminders"' not in client.get("/consultation/").content.decode()


@pytest.mark.django_db
def test_a_consent_for_another_number_does_not_cover_a_changed_number():
    request = consenting_request()
    request.phone = "+12025550199"
    request.save()
    assert not texts.sms_allowed(request)


@pytest.mark.django_db
@pytest.mark.parametrize("signature", ["", "d3Jvbmcgc2lnbmF0dXJl"])
@pytest.mark.parametrize("path", ["/consultation/sms/inbound/", "/consultation/sms/status/"])
def test_unsigned_or_wrongly_signed_webhooks_are_refused(client, path, signature):
    request = consenting_request()
    response = signed_post(client, path, {"From": "+12025550143", "Body": "STOP"}, signature=signature)
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()
    assert texts.sms_allowed(request)


@pytest.mark.django_db
def test_a_signature_made_with_another_token_is_refused(client):
    consenting_request()
    response = signed_post(client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": "STOP"}, token="x")
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word", ["STOP", "stop", " Stop ", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
)
def test_stop_and_its_synonyms_stop_every_text_to_that_number_queued_ones_too(client, word):
    request = consenting_request()
    other = consenting_request()  # the same number on a second request
    queued = Email.objects.create(request=request, kind=TEXT_KIND, recipients=["+12025550143"])

    response = signed_post(client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": word})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert "<Message>" not in response.content.decode()
    assert not texts.sms_allowed(request) and not texts.sms_allowed(other)
    queued.refresh_from_db()
    assert queued.status == Email.Status.SUPERSEDED
    stop = SmsOptOut.objects.get()
    assert (str(stop.phone), stop.action) == ("+12025550143", SmsOptOut.Action.STOP)
    assert request.events.filter(text__contains="no more texts").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["START", "UNSTOP"])
def test_start_turns_texts_back_on(client, word):
    request = consenting_request()
    signed_post(client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": "STOP"})
    assert not texts.sms_allowed(request)
    signed_post(client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": word})
    assert texts.sms_allowed(request)
    assert list(SmsOptOut.objects.order_by("received_at", "pk").values_list("action", flat=True)) == ["stop", "start"]


@pytest.mark.django_db
def test_help_answers_with_the_clinics_contact_in_twiml(client):
    response = signed_post(client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": "help"})
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert "Riverbend Clinic" in body and "+1 555 010 0100" in body and "988" in body
    assert not SmsOptOut.objects.exists()


@pytest.mark.django_db
def test_any_other_reply_says_nobody_reads_it_and_where_to_get_help(client):
    body = signed_post(
        client, "/consultation/sms/inbound/", {"From": "+12025550143", "Body": "can I come earlier?"}
    ).content.decode()
    assert "not read" in body and "988" in body and "911" in body


@pytest.mark.django_db
def test_delivery_reports_are_kept_and_never_go_backwards(client):
    request = consenting_request()
    text = Email.objects.create(
        request=request, kind=TEXT_KIND, recipients=["+12025550143"], status="sent", provider_id="SM123"
    )
    for status in ["sent", "delivered", "sent"]:  # a late "sent" arrives after "delivered"
        response = signed_post(client, "/consultation/sms/status/", {"MessageSid": "SM123", "MessageStatus": status})
        assert response.status_code == 204
    text.refresh_from_db()
    assert text.delivery_status == "delivered"


@pytest.mark.django_db
def test_staff_see_each_texts_delivery_on_the_request_page(client, settings):
    settings.ADMIN_REQUIRE_2FA = False
    request = consenting_request()
    Email.objects.create(request=request, kind=TEXT_KIND, recipients=["+12025550143"], status="sent", provider_id="SMa")
    Email.objects.create(
        request=request, kind=TEXT_KIND, sequence=2, recipients=["+12025550143"], status="sent", provider_id="SMb"
    )
    signed_post(client, "/consultation/sms/status/", {"MessageSid": "SMa", "MessageStatus": "delivered"})
    signed_post(client, "/consultation/sms/status/", {"MessageSid": "SMb", "MessageStatus": "failed"})
    coordinator = User.objects.create_user("casey", password="x", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(coordinator)

    page = client.get(f"/admin/booking/consultationrequest/{request.pk}/change/").content.decode()
    panel = page[page.index('id="emails-heading"') :]
    assert "Emails and texts" in panel
    assert panel.count("(text)") == 2
    assert "Delivered" in panel and "Failed" in panel


@pytest.mark.django_db
def test_coordinators_can_read_consents_and_stops_but_not_change_them(client):
    request = consenting_request()
    texts.sms_reply_receive(phone="+12025550143", body="STOP")
    coordinator = User.objects.create_user("casey", password="x", is_staff=True)
    coordinator.groups.add(coordinator_group_sync())  # as every start does (manage.py sync_roles)
    client.force_login(coordinator)
    consent = client.get(f"/admin/booking/smsconsent/{request.sms_consent.pk}/change/").content.decode()
    assert texts.sms_consent_text() in consent
    assert "+12025550143" in client.get("/admin/booking/smsoptout/").content.decode()
    assert client.post(f"/admin/booking/smsoptout/{SmsOptOut.objects.get().pk}/delete/").status_code == 403
