"""The booking page stays fast as the clinic grows, and its kept copy never shows a taken time."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from booking.tests.factories import ConsultationRequestFactory
from scheduling import page_cache, services, slots
from scheduling.models import Appointment
from scheduling.tests.conftest import book_as
from scheduling.tests.factories import AvailabilityFactory, StaffFactory

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)


def radios(response):
    return re.findall(r'type="radio" name="start" id="[^"]+" value="([^"]+)"', response.content.decode())


def grow(clinic, *, staff, bookings_each):
    """More clinicians on the same hours, each with bookings spread over the next weeks."""
    people = [clinic["staff"]] + [StaffFactory() for _ in range(staff - 1)]
    for person in people[1:]:
        for weekday in range(5):
            AvailabilityFactory(staff=person, location=clinic["location"], weekday=weekday)
    for person in people:
        for n in range(bookings_each):
            start = TUESDAY_9 + timedelta(days=1 + n, minutes=30 * (n % 5))
            if start.weekday() >= 5:
                continue
            Appointment.objects.create(
                request=ConsultationRequestFactory(),
                consultation_type=clinic["type"],
                location=clinic["location"],
                staff=person,
                start=start,
                end=start + timedelta(minutes=20),
                blocked_until=start + timedelta(minutes=30),
            )
    slots.schedule_changed()


@pytest.mark.parametrize("staff,bookings_each", [(1, 0), (8, 12)])
def test_the_page_takes_the_same_few_queries_whatever_the_number_of_staff_and_bookings(
    client, clinic, consultation, now, django_assert_num_queries, staff, bookings_each
):
    grow(clinic, staff=staff, bookings_each=bookings_each)
    book_as(client, consultation)
    # First visit after a change: the session, the request, the types, the locations, three
    # queries for the open days of the horizon (hours, days off, bookings), three for the day, and
    # the clinic's brand (its cache is empty too at the start of a test).
    with django_assert_num_queries(11):
        first = client.get("/appointments/book/")
    assert first.status_code == 200 and radios(first)
    # Every later visit: the session and the request (with whether it is booked), nothing else.
    with django_assert_num_queries(2):
        again = client.get("/appointments/book/")
    assert radios(again) == radios(first)
    other_day = re.findall(r'href="\?([^"]*day=2027-03-1[05][^"]*)"', first.content.decode())[0].replace("&amp;", "&")
    with django_assert_num_queries(5):  # that day's times are read once
        client.get("/appointments/book/?" + other_day)
    with django_assert_num_queries(2):
        client.get("/appointments/book/?" + other_day)


def test_a_time_booked_by_someone_else_disappears_at_once_from_the_kept_page(
    client, clinic, consultation, now, django_capture_on_commit_callbacks
):
    book_as(client, consultation)
    assert TUESDAY_9.isoformat() in radios(client.get("/appointments/book/"))
    assert TUESDAY_9.isoformat() in radios(client.get("/appointments/book/"))  # now from the cache

    with django_capture_on_commit_callbacks(execute=True):  # as when the booking commits
        services.appointment_book(
            request=ConsultationRequestFactory(),
            consultation_type=clinic["type"],
            location=clinic["location"],
            start=TUESDAY_9,
        )
    shown = radios(client.get("/appointments/book/"))
    assert TUESDAY_9.isoformat() not in shown
    assert shown[0] == (TUESDAY_9 + timedelta(minutes=30)).isoformat()


def test_a_cancelled_time_is_offered_again(client, clinic, consultation, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        taken = services.appointment_book(
            request=ConsultationRequestFactory(),
            consultation_type=clinic["type"],
            location=clinic["location"],
            start=TUESDAY_9,
        )
    book_as(client, consultation)
    assert TUESDAY_9.isoformat() not in radios(client.get("/appointments/book/"))
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=taken, by=clinic["staff"])
    assert TUESDAY_9.isoformat() in radios(client.get("/appointments/book/"))


def test_each_patient_gets_their_own_reference_and_csrf_token(clinic, now):
    first, second = ConsultationRequestFactory(), ConsultationRequestFactory()
    pages = []
    for consultation in (first, second):
        client = Client(enforce_csrf_checks=True)
        book_as(client, consultation)
        response = client.get("/appointments/book/")
        html = response.content.decode()
        assert f'<strong class="reference-code">{consultation.reference}</strong>' in html
        assert "picker-hole" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        pages.append((client, token))

    assert pages[0][1] != pages[1][1]
    # The token in the kept page is this browser's own: the booking goes through.
    client, token = pages[1]
    response = client.post("/appointments/book/", {"start": TUESDAY_9.isoformat(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/appointments/booked/"
    assert Appointment.objects.get(request=second).start == TUESDAY_9


def test_made_up_addresses_are_answered_but_never_kept(client, clinic, consultation, now, rf):
    book_as(client, consultation)
    for query in ["?day=1999-01-01", "?type=999", "?tz=Europe/Paris", "?day=2027-03-10&utm=x", "?day=2027-03-10"]:
        assert client.get("/appointments/book/" + query).status_code == 200
    kept = []
    for query in ["?day=1999-01-01", "?type=999", "?tz=Europe/Paris", "?day=2027-03-10&utm=x", "?day=2027-03-10"]:
        request = rf.get("/appointments/book/" + query)
        kept.append(slots.schedule_cache.get_or_build(page_cache._name(request), lambda: None) is not None)
    assert kept == [False, False, False, False, True]
