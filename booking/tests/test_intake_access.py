"""Who may open an intake: the browser that sent the request, or someone who knows the
patient's date of birth; and the intake's forms stay bounded."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

from booking import services
from booking.intake_steps import MAX_TRIAL_ROWS
from booking.models import IntakeLink
from booking.services import links
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.forms import valid_form_data
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

CONFIRM = "/consultation/intake/confirm/"
NO_MATCH = "That date of birth does not match"


@pytest.fixture(autouse=True)
def _fresh(db):
    cache.clear()
    call_command("load_medications", verbosity=0)


@pytest.fixture
def consultation():
    return ConsultationRequestFactory()  # born 1985-04-12


def confirm(client, born):
    return client.post(CONFIRM, {"date_of_birth": born})


def test_a_forwarded_link_asks_for_the_date_of_birth_before_showing_anything(client, consultation):
    token = links.intake_link_issue(request=consultation)
    response = client.get(links.intake_path(token))
    assert response["Location"] == CONFIRM
    assert client.get("/consultation/intake/step/1/").status_code == 403
    page = client.get(CONFIRM).content.decode()
    assert "date of birth" in page and consultation.first_name not in page

    wrong = confirm(client, "1990-01-01")
    assert NO_MATCH in wrong.content.decode()
    assert client.get("/consultation/intake/step/1/").status_code == 403

    assert confirm(client, "04/12/1985")["Location"] == "/consultation/intake/"
    assert client.get("/consultation/intake/step/1/").status_code == 200
    actions = list(AuditEvent.objects.filter(object_type="booking.IntakeLink").values_list("action", flat=True))
    assert sorted(actions) == ["identity_check_failed", "identity_confirmed"]


def test_the_browser_that_sent_the_request_opens_the_emailed_link_directly(client):
    client.post("/consultation/", valid_form_data())
    from booking.models import ConsultationRequest

    token = links.intake_link_issue(request=ConsultationRequest.objects.get())
    assert client.get(links.intake_path(token))["Location"] == "/consultation/intake/"


def test_a_browser_that_confirmed_once_is_not_asked_again(client, consultation):
    token = links.intake_link_issue(request=consultation)
    client.get(links.intake_path(token))
    confirm(client, "1985-04-12")
    assert client.get(links.intake_path(token))["Location"] == "/consultation/intake/"


def test_five_wrong_dates_lock_the_link_and_an_unknown_link_looks_the_same(client, consultation, settings):
    token = links.intake_link_issue(request=consultation)
    client.get(links.intake_path(token))
    pages = [confirm(client, f"1970-01-0{n + 1}").content.decode() for n in range(settings.INTAKE_CONFIRM_TRIES)]
    assert all(NO_MATCH in p for p in pages)
    # Locked: even the right date no longer opens it in a new browser, and the page says nothing more.
    locked = confirm(client, "1985-04-12")
    assert NO_MATCH in locked.content.decode()
    assert client.get("/consultation/intake/step/1/").status_code == 403
    assert IntakeLink.objects.get().verify_failures == settings.INTAKE_CONFIRM_TRIES + 1
    assert AuditEvent.objects.filter(action="identity_check_failed").count() == settings.INTAKE_CONFIRM_TRIES + 1

    other = client.__class__()
    assert other.get("/consultation/intake/not-a-real-token/")["Location"] == CONFIRM
    unknown = confirm(other, "1985-04-12")
    assert unknown.status_code == locked.status_code
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(unknown.content.decode()) == strip(locked.content.decode())


def test_an_absurd_number_of_medicine_rows_answers_quickly_with_a_clear_message(client, consultation):
    token = links.intake_link_issue(request=consultation)
    client.get(links.intake_path(token))
    confirm(client, "1985-04-12")
    intake = services.intake_get_or_start(request=consultation)
    intake.furthest_step = 2
    intake.save(update_fields=["furthest_step"])
    began = time.monotonic()
    response = client.post(
        "/consultation/intake/step/2/",
        {"action": "next", "trials-TOTAL_FORMS": "1000000000", "trials-INITIAL_FORMS": "0"},
    )
    assert time.monotonic() - began < 2
    assert response.status_code == 200
    assert f"up to {MAX_TRIAL_ROWS} medicines" in response.content.decode()
