"""The patient's pages with plain links and form posts, as without JavaScript."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from booking.tests.factories import ConsultationRequestFactory
from scheduling import links, services
from scheduling.models import Appointment, ConsultationType
from scheduling.tests.conftest import book_as

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)
MONDAY_9_DST = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)


def html_of(response):
    return response.content.decode()


def assert_page_rules(html):
    assert html.count("<h1") == 1
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        # Only files of our own: no inline script, and no nonce (cached pages are shared).
        assert "nonce=" not in tag and "src=" in tag, tag


def radios(html):
    return re.findall(r'type="radio" name="start" id="[^"]+" value="([^"]+)"', html)


@pytest.fixture
def patient(client, clinic, consultation, now):
    book_as(client, consultation)
    return client


def test_the_thanks_page_invites_the_patient_to_pick_a_time(patient):
    html = html_of(patient.get("/consultation/thanks/"))
    assert 'href="/appointments/book/"' in html
    assert "Choose a time" in html


def test_the_thanks_page_says_nothing_about_times_when_none_are_offered(client, consultation):
    book_as(client, consultation)
    assert "/appointments/book/" not in html_of(client.get("/consultation/thanks/"))


def test_the_picker_lists_days_as_links_and_times_as_radios_in_a_fieldset(patient):
    response = patient.get("/appointments/book/")
    html = html_of(response)
    assert response.status_code == 200
    assert_page_rules(html)
    assert "<fieldset>" in html and "<legend" in html
    assert "Open times on Tuesday, March 9" in html
    assert 'aria-current="date">Tue, Mar 9</a>' in html and ">Wed, Mar 10</a>" in html
    assert "America/New_York" in html
    assert radios(html)[0] == TUESDAY_9.isoformat()
    assert re.search(r'<label class="form-check-label" for="start-\d+">9:00 a.m.</label>', html)
    days = re.findall(r'href="\?([^"]*day=[^"]+)"', html)
    assert len(days) > 10
    assert 'aria-current="date"' in html

    # Another day by its link: the week after the clock change still starts at 9:00 local.
    html = html_of(
        patient.get("/appointments/book/?" + next(d for d in days if "2027-03-15" in d).replace("&amp;", "&"))
    )
    assert radios(html)[0] == MONDAY_9_DST.isoformat()
    assert "Open times on Monday, March 15" in html


def test_the_patients_own_time_zone_is_shown_next_to_each_time_when_it_differs(patient):
    html = html_of(patient.get("/appointments/book/?tz=America/Los_Angeles"))
    assert "6:00 a.m. your time" in html
    html = html_of(patient.get("/appointments/book/?tz=America/New_York"))
    assert "your time" not in html.split("<fieldset>")[1].split("</fieldset>")[0]
    assert html_of(patient.get("/appointments/book/?tz=Not/AZone")).count("your time)") == 0


def test_booking_with_a_plain_post_confirms_on_screen(patient, consultation):
    response = patient.post("/appointments/book/", {"start": TUESDAY_9.isoformat(), "type": "", "location": ""})
    assert response.status_code == 302 and response["Location"] == "/appointments/booked/"
    appointment = Appointment.objects.get(request=consultation)
    html = html_of(patient.get("/appointments/booked/"))
    assert_page_rules(html)
    assert "Your consultation is booked" in html
    assert "Tuesday, March 9, 2027 at 9:00 a.m. EST" in html
    assert consultation.reference in html

    # Coming back to the picker shows the booking instead of booking twice.
    response = patient.get("/appointments/book/")
    assert response["Location"] == "/appointments/manage/"
    assert Appointment.objects.filter(request=consultation).count() == 1
    assert "See, change or cancel it" in html_of(patient.get("/consultation/thanks/"))
    assert appointment.status == Appointment.Status.BOOKED


def test_a_taken_time_offers_the_next_ones_to_pick_from(patient, clinic):
    services.appointment_book(
        request=ConsultationRequestFactory(),
        consultation_type=clinic["type"],
        location=clinic["location"],
        start=TUESDAY_9,
    )
    response = patient.post("/appointments/book/", {"start": TUESDAY_9.isoformat()})
    html = html_of(response)
    assert response.status_code == 409
    assert "just been taken" in html
    offered = radios(html)
    assert TUESDAY_9.isoformat() not in offered
    assert offered[0] == (TUESDAY_9 + timedelta(minutes=30)).isoformat()
    response = patient.post("/appointments/book/", {"start": offered[0]})
    assert response.status_code == 302


def test_a_post_without_a_time_asks_for_one(patient):
    response = patient.post("/appointments/book/", {})
    assert "Please choose one of the times." in html_of(response)
    assert not Appointment.objects.exists()


def test_with_nothing_open_the_request_stands_as_a_callback(patient):
    ConsultationType.objects.update(is_active=False)
    html = html_of(patient.get("/appointments/book/"))
    assert_page_rules(html)
    assert "Your request stands as a request for a call back" in html


def test_without_the_requests_session_the_picker_sends_to_the_form(client, clinic):
    assert client.get("/appointments/book/")["Location"] == "/consultation/"


@pytest.fixture
def booked(clinic, consultation, now):
    return services.appointment_book(
        request=consultation, consultation_type=clinic["type"], location=clinic["location"], start=TUESDAY_9
    )


def open_link(client, appointment):
    token = links.appointment_link_issue(appointment=appointment)
    response = client.get(f"/appointments/manage/{token}/")
    # The token leaves the address bar at once; the session carries on.
    assert response.status_code == 302 and response["Location"] == "/appointments/manage/"
    return token


def test_the_private_link_opens_the_appointment_and_allows_moving_it(client, booked):
    open_link(client, booked)
    html = html_of(client.get("/appointments/manage/"))
    assert_page_rules(html)
    assert "Choose another time" in html and "Cancel the consultation" in html

    html = html_of(client.get("/appointments/manage/change/?day=2027-03-15"))
    assert "Choose a new time" in html
    response = client.post("/appointments/manage/change/", {"start": MONDAY_9_DST.isoformat()})
    assert response["Location"] == "/appointments/manage/"
    booked.refresh_from_db()
    assert (booked.start, booked.sequence) == (MONDAY_9_DST, 1)
    assert "has been moved" in html_of(client.get("/appointments/manage/"))


def test_cancelling_through_the_link_asks_first_then_cancels(client, booked):
    open_link(client, booked)
    assert "Cancel your consultation?" in html_of(client.get("/appointments/manage/cancel/"))
    response = client.post("/appointments/manage/cancel/")
    assert response["Location"] == "/appointments/manage/"
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert "This consultation is cancelled" in html_of(client.get("/appointments/manage/"))


def test_inside_the_window_the_links_explain_and_change_nothing(client, booked, now):
    open_link(client, booked)
    now.move_to(TUESDAY_9 - timedelta(hours=23))
    html = html_of(client.get("/appointments/manage/"))
    assert "It is too late to change this online" in html and "24 hours before" in html
    assert "Choose another time" not in html

    for url in ["/appointments/manage/change/", "/appointments/manage/cancel/"]:
        response = client.get(url)
        assert response.status_code == 409
        assert "It is too late to change this online" in html_of(response)
    assert client.post("/appointments/manage/cancel/").status_code == 409
    assert client.post("/appointments/manage/change/", {"start": MONDAY_9_DST.isoformat()}).status_code == 409
    booked.refresh_from_db()
    assert (booked.status, booked.start) == (Appointment.Status.BOOKED, TUESDAY_9)


def test_an_unknown_or_revoked_link_is_refused(client, booked):
    assert client.get("/appointments/manage/not-a-token/").status_code == 404
    assert client.get("/appointments/manage/").status_code == 403
    token = links.appointment_link_issue(appointment=booked)
    booked.links.update(revoked_at=booked.created_at)
    assert client.get(f"/appointments/manage/{token}/").status_code == 404


@pytest.mark.parametrize("zone", ["America", "US", "Etc", "America/", "../etc/passwd", "America/New_York/x"])
def test_a_time_zone_that_is_only_a_region_is_ignored_not_an_error(patient, zone):
    response = patient.get("/appointments/book/", {"tz": zone})
    assert response.status_code == 200
    assert html_of(response).count("your time)") == 0


def test_a_manage_link_stops_working_once_the_appointment_is_over(client, booked, now, settings):
    token = links.appointment_link_issue(appointment=booked)
    now.move_to(booked.end + timedelta(hours=settings.SCHEDULING_MANAGE_LINK_HOURS_AFTER, minutes=1))
    response = client.get(f"/appointments/manage/{token}/")
    assert response.status_code == 404
    assert client.get("/appointments/manage/").status_code == 403
