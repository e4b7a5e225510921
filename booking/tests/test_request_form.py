import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from booking.models import REFERENCE_ALPHABET, ConsultationRequest, Email
from booking.tests.forms import valid_form_data

pytestmark = pytest.mark.django_db

URL = "/consultation/"


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()


def test_form_has_a_visible_label_for_every_input(client):
    html = client.get(URL).content.decode()
    for name in ["first_name", "last_name", "email", "phone", "date_of_birth", "message", "insurance_carrier"]:
        assert f'for="id_{name}"' in html
    assert "Request a free consultation" in html
    assert "not read around the clock" in html


def test_the_article_the_visitor_came_from_is_kept(client):
    html = client.get(URL + "?article=what-is-tms").content.decode()
    assert 'value="what-is-tms"' in html
    client.post(URL, valid_form_data(article="what-is-tms"))
    assert ConsultationRequest.objects.get().source_article == "what-is-tms"


def test_a_valid_request_is_saved_and_shows_a_reference_and_the_intake_link(client):
    response = client.post(URL, valid_form_data())
    assert response.status_code == 302
    assert response["Location"] == "/consultation/thanks/"

    request = ConsultationRequest.objects.get()
    assert str(request.phone) == "+12025550143"
    assert request.status == ConsultationRequest.Status.NEW
    thanks = client.get("/consultation/thanks/").content.decode()
    assert request.reference in thanks
    assert "Start my treatment history now" in thanks
    assert 'href="tel:988"' in thanks
    assert set(request.reference.replace("-", "")) <= set(REFERENCE_ALPHABET)
    assert not set(request.reference) & set("0O1IL")


def test_the_thanks_page_opens_the_intake_in_the_same_browser(client):
    client.post(URL, valid_form_data())
    thanks = client.get("/consultation/thanks/").content.decode()
    assert 'href="/consultation/intake/"' in thanks
    step = client.get("/consultation/intake/", follow=True)
    assert step.status_code == 200
    assert "Step 1 of 6: Your depression now" in step.content.decode()


def test_no_intake_token_is_kept_anywhere_but_in_the_email(client):
    client.post(URL, valid_form_data())
    link = ConsultationRequest.objects.get().intake_links.get()
    assert len(link.token_hash) == 64
    # The browser holds the link's id, not a token; the token of this link was never kept.
    assert client.session["intake_link_id"] == link.pk
    assert client.session["consultation_thanks"] == {"id": link.request_id}


def test_a_mangled_article_value_is_dropped_not_refused(client):
    response = client.post(URL, valid_form_data(article="tms guide <b>"))
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().source_article == ""


def test_both_notices_are_recorded_for_sending(client, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["intake@clinic.example"]
    client.post(URL, valid_form_data())
    kinds = sorted(Email.objects.values_list("kind", flat=True))
    assert kinds == ["request_received", "staff_new_request"]


def test_errors_are_summarised_and_everything_typed_is_kept(client):
    data = valid_form_data(email="not-an-email", phone="12")
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check 2 answers" in html
    assert 'href="#id_email"' in html and 'href="#id_phone"' in html
    assert 'value="Dana"' in html and 'value="Whitfield"' in html
    assert "zebra-lantern-42" in html
    assert 'value="Bluepeak Mutual"' in html
    assert ConsultationRequest.objects.count() == 0


def test_under_18s_are_told_kindly_to_call(client):
    response = client.post(URL, valid_form_data(date_of_birth="2015-01-01"))
    html = response.content.decode()
    assert "This form is for adults 18 and over" in html
    assert settings.CLINIC_PHONE in html
    assert ConsultationRequest.objects.count() == 0


def test_a_second_post_of_the_same_form_shows_the_same_request(client):
    data = valid_form_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert Email.objects.filter(kind="request_received").count() == 1
    thanks = client.get("/consultation/thanks/")
    assert ConsultationRequest.objects.get().reference in thanks.content.decode()
    assert thanks.context["intake_available"]


@pytest.mark.parametrize(
    "overrides",
    [
        lambda: {"website": "http://spam.example"},
        lambda: {"started": "forged"},
    ],
    ids=["honeypot", "forged-timestamp"],
)
def test_robots_are_answered_as_if_successful_and_nothing_is_saved(client, overrides):
    response = client.post(URL, valid_form_data(**overrides()))
    assert response.status_code == 200
    assert "Thank you, we have your request" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0
    assert Email.objects.count() == 0


def test_too_many_posts_from_one_address_get_a_friendly_429(client, settings):
    settings.CONSULTATION_RATE_LIMIT = 3
    statuses = [client.post(URL, valid_form_data()).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert "wait a while" in client.post(URL, valid_form_data()).content.decode()


def test_a_post_without_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(URL, valid_form_data())
    assert response.status_code == 403
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_name": "x" * 10_000},
        {"message": "y" * 5_000},
        {"date_of_birth": "31/31/31"},
        {"phone": "call me maybe"},
        {"submission_token": "not-a-uuid"},
        {"preferred_contact": "carrier pigeon"},
        {"best_times": ["midnight"]},
        {"first_name": "nul\x00byte"},
    ],
)
def test_oversized_or_malformed_input_gets_a_clear_message_not_an_error(client, overrides):
    response = client.post(URL, valid_form_data(**overrides))
    assert response.status_code == 200
    assert "Please check" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_thanks_page_without_a_request_goes_back_to_the_form(client):
    assert client.get("/consultation/thanks/")["Location"] == URL


FIELDS = list(valid_form_data().keys())


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300), max_size=len(FIELDS)))
def test_random_input_never_causes_a_server_error_or_saves_invalid_data(client, settings, random_fields):
    settings.CONSULTATION_RATE_LIMIT = 10_000
    before = ConsultationRequest.objects.count()
    response = client.post(URL, valid_form_data(**random_fields))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        # A form error, or a submission taken for a robot's: nothing saved either way.
        assert ConsultationRequest.objects.count() == before
    else:
        saved = ConsultationRequest.objects.order_by("-pk").first()
        saved.full_clean()


def test_the_phone_example_in_the_error_message_is_itself_accepted(client):
    from booking.forms import PHONE_EXAMPLE

    refused = client.post(URL, valid_form_data(phone="12")).content.decode()
    assert f"for example {PHONE_EXAMPLE}" in refused.replace("&#x27;", "'")
    client.post(URL, valid_form_data(phone=PHONE_EXAMPLE))
    assert ConsultationRequest.objects.get().phone.as_national == PHONE_EXAMPLE


@pytest.mark.parametrize(
    ("method", "promise", "not_said"),
    [
        ("text", "will send you a text message", "will call you"),
        ("email", "will email you", "will call you"),
        ("phone", "will call you", "text message"),
    ],
)
def test_the_thanks_page_promises_the_contact_method_the_patient_chose(client, method, promise, not_said):
    client.post(URL, valid_form_data(preferred_contact=method))
    thanks = " ".join(client.get("/consultation/thanks/").content.decode().split())
    assert promise in thanks
    assert not_said not in thanks


def test_the_same_form_sent_twice_is_saved_once_and_shows_the_same_reference(client, settings):
    """A double click or a refresh after sending: one request, one pair of emails, the same page."""
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    data = valid_form_data()
    assert client.post(URL, data)["Location"] == "/consultation/thanks/"
    first = client.get("/consultation/thanks/").content.decode()

    again = Client()
    assert again.post(URL, data)["Location"] == "/consultation/thanks/"
    request = ConsultationRequest.objects.get()
    assert request.reference in first
    assert request.reference in again.get("/consultation/thanks/").content.decode()
    assert Email.objects.filter(request=request).count() == 2


def test_a_new_request_is_saved_with_a_fixed_number_of_queries(client, settings, django_assert_num_queries):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    # The request, its intake link and its two emails in one transaction; the session after it.
    with django_assert_num_queries(10):
        response = client.post(URL, valid_form_data())
    assert response.status_code == 302 and ConsultationRequest.objects.count() == 1
