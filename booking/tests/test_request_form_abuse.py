"""The request form against hostile or unlucky input: names that could forge an email, stale or
too-quick forms from real people, and fields that are bounded."""

import pytest
from django.core import mail, signing
from django.utils import timezone

from booking.forms import STARTED_SALT, ConsultationRequestForm
from booking.models import ConsultationRequest, Email
from booking.services import emails
from booking.tests.forms import started_seconds_ago, valid_form_data

pytestmark = pytest.mark.django_db

URL = "/consultation/"


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.mark.parametrize(
    "name",
    ["Dana\r\nBcc: victim@example.com", "Dana\nWhitfield", "Da\x07na", "Dana\u202egnp.exe", "Dana\u2066x\u2069"],
    ids=["crlf-header", "newline", "control", "bidi-override", "bidi-isolate"],
)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_names_with_line_breaks_control_or_direction_characters_are_refused_plainly(client, field, name):
    response = client.post(URL, valid_form_data(**{field: name}))
    assert response.status_code == 200
    assert "a character we cannot use" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_names_in_any_alphabet_with_accents_hyphens_and_apostrophes_are_welcome(client):
    response = client.post(URL, valid_form_data(first_name="Zoë-Anne", last_name="O'Brien Nguyễn 李"))
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().last_name == "O'Brien Nguyễn 李"


def test_the_confirmation_email_carries_no_text_the_sender_chose_but_the_first_name(client):
    client.post(
        URL,
        valid_form_data(
            first_name="Dana",
            last_name="Visit-evil.example",
            insurance_carrier="Call 555-0199 now",
            message="Click https://evil.example/login",
        ),
    )
    email = Email.objects.get(kind="request_received")
    emails.email_send(email_id=email.pk, worker_key="test")
    message = mail.outbox[-1]
    bodies = [message.body] + [content for content, _ in message.alternatives]
    for text in [message.subject, *bodies]:
        for chosen in ["evil.example", "555-0199", "Visit-evil"]:
            assert chosen not in text
    assert "Hello Dana," in message.body


def test_a_form_filled_faster_than_a_person_types_asks_to_confirm_and_keeps_everything(client):
    data = valid_form_data(started=started_seconds_ago(0.5))
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please confirm you want to send this" in page
    assert "we have your request" not in page.lower()
    assert ConsultationRequest.objects.count() == 0
    form = response.context["form"]
    assert form["first_name"].value() == "Dana" and form["message"].value() == data["message"]
    fresh = form["started"].value()
    assert fresh != data["started"]
    assert signing.loads(fresh, salt=STARTED_SALT)
    # Sent again a moment later, it goes through.
    confirmed = client.post(URL, {**data, "started": started_seconds_ago(30)})
    assert confirmed.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_a_form_left_open_too_long_asks_to_confirm(client, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    data = valid_form_data(started=ConsultationRequestForm().initial["started"])
    time_machine.shift(settings.CONSULTATION_FORM_MAX_AGE_HOURS * 3600 + 60)
    response = client.post(URL, data)
    assert "Please confirm you want to send this" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize("field", ["first_name", "last_name", "insurance_carrier", "message", "email"])
def test_every_free_text_field_has_a_length_limit(field):
    form = ConsultationRequestForm()
    assert form.fields[field].max_length is not None
    widget_limit = form.fields[field].widget.attrs.get("maxlength")
    assert widget_limit is not None
