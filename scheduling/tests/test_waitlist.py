"""The waitlist: a time that opens goes to the first two waiting patients it suits, by email (and
text with consent), with a private link; the first to claim it books it, the other is told kindly
and keeps their place; offers expire and are never made inside the minimum notice."""

import re
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from celery import current_app
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection

from booking.models import Email
from booking.services import email_send, texts
from booking.tests.factories import ConsultationRequestFactory
from core import sms
from core.roles import coordinator_group_sync
from core.tests.fake_twilio import FakeTwilio
from scheduling import services, waitlist
from scheduling.models import Appointment, Availability, WaitlistEntry, WaitlistMessage, WaitlistOffer
from scheduling.tasks import offer_waitlist_times
from scheduling.tests.conftest import NOW, book_as
from scheduling.tests.factories import AvailabilityFactory, ConsultationTypeFactory, LocationFactory, StaffFactory

# Wednesday 10 March 2027, 9:00 EST: the only open time in the horizon of the fixture below.
WED_9 = datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
WEDNESDAY, FRIDAY = 2, 4
HEALTH_WORDS = ["TMS", "SPRAVATO", "esketamine", "depress", "ketamine"]


@pytest.fixture
def small_clinic(settings):
    """One clinician free on Wednesdays from 9:00 to 9:30 only, and a six-day horizon: one time."""
    settings.CLINIC_NAME = "Riverbend Clinic"
    settings.SITE_URL = "https://clinic.example"
    settings.SMS_BACKEND = "console"
    settings.SCHEDULING_MIN_NOTICE_HOURS = 24
    settings.SCHEDULING_HORIZON_DAYS = 6
    settings.SCHEDULING_SLOT_STEP_MINUTES = 30
    settings.WAITLIST_OFFER_TO = 2
    settings.WAITLIST_OFFER_HOURS = 2
    location = LocationFactory()
    consultation_type = ConsultationTypeFactory()
    staff = StaffFactory()
    AvailabilityFactory(staff=staff, location=location, weekday=WEDNESDAY, start_time=time(9), end_time=time(9, 30))
    return {"location": location, "type": consultation_type, "staff": staff}


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process, as on a laptop, so a cancellation's follow-up runs in the test."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


def join(clinic, name, weekdays=(), day_parts=()):
    request = ConsultationRequestFactory(first_name=name, email=f"{name.lower()}@example.com")
    return waitlist.waitlist_join(
        request=request,
        consultation_type=clinic["type"],
        location=clinic["location"],
        weekdays=list(weekdays),
        day_parts=list(day_parts),
    )


def book(clinic, request, start=WED_9):
    return services.appointment_book(
        request=request, consultation_type=clinic["type"], location=clinic["location"], start=start
    )


def offer_link(message):
    return re.search(r"https://clinic\.example(/appointments/offer/[\w-]+/)", message.body).group(1)


def offered_and_waiting(clinic):
    """A booked Wednesday, and four people waiting: Fridays only (first), then three it suits."""
    holder = book(clinic, ConsultationRequestFactory())
    entries = {
        "fridays": join(clinic, "Frida", weekdays=[FRIDAY]),
        "alex": join(clinic, "Alex", weekdays=[WEDNESDAY], day_parts=["morning"]),
        "blair": join(clinic, "Blair"),
        "casey": join(clinic, "Casey", weekdays=[WEDNESDAY]),
    }
    return holder, entries


@pytest.mark.django_db
def test_a_cancellation_offers_the_time_to_the_first_two_who_fit_and_the_first_to_claim_books_it(
    small_clinic, now, eager_tasks, client, django_capture_on_commit_callbacks
):
    holder, entries = offered_and_waiting(small_clinic)
    staff = get_user_model().objects.create_user("coordinator", is_staff=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=holder, by=staff)

    offers = WaitlistOffer.objects.order_by("entry__created_at")
    assert [offer.entry for offer in offers] == [entries["alex"], entries["blair"]]
    assert all(offer.start == WED_9 and offer.expires_at == NOW + timedelta(hours=2) for offer in offers)
    by_name = {m.to[0].split("@")[0]: m for m in mail.outbox if "time has opened" in m.subject}
    assert set(by_name) == {"alex", "blair"}
    offer_email = by_name["alex"]
    assert "Wednesday, March 10, 2027 at 9:00 a.m. EST" in offer_email.body
    assert "988" in offer_email.body  # the crisis footer
    for word in HEALTH_WORDS:
        assert word.lower() not in offer_email.body.lower()

    # Alex opens the link and books; Blair's link then says, kindly, that the time has gone.
    assert client.get(offer_link(offer_email))["Location"] == "/appointments/offer/"
    assert "A time has opened for you" in client.get("/appointments/offer/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/appointments/offer/")
    assert response["Location"] == "/appointments/booked/"
    appointment = Appointment.objects.booked().get(start=WED_9)
    assert appointment.request == entries["alex"].request

    other = mail.outbox[-1]
    assert other.to == ["blair@example.com"] and "booked" in other.subject and "keep your place" in other.subject
    assert "You keep your place on the waitlist" in other.body
    blair = client.__class__()
    blair.get(offer_link(by_name["blair"]))
    response = blair.post("/appointments/offer/")
    assert response.status_code == 409
    assert "Sorry, this time has just been booked" in response.content.decode()
    assert "You keep your place on the waitlist" in response.content.decode()

    statuses = {e: WaitlistEntry.objects.get(pk=entries[e].pk).status for e in entries}
    assert statuses == {"fridays": "waiting", "alex": "booked", "blair": "waiting", "casey": "waiting"}


@pytest.mark.django_db(transaction=True)
def test_two_patients_claiming_at_the_same_instant_make_exactly_one_booking(small_clinic, now):
    holder, entries = offered_and_waiting(small_clinic)
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))
    offers = waitlist.waitlist_offer_time(
        consultation_type=small_clinic["type"], location=small_clinic["location"], start=WED_9, now=NOW
    )
    assert len(offers) == 2

    barrier = threading.Barrier(2)
    results = []

    def claim(offer):
        try:
            barrier.wait(timeout=10)
            appointment = waitlist.waitlist_offer_claim(offer=offer, now=NOW)
            results.append(("booked", offer.pk, appointment.pk))
        except waitlist.OfferUnavailable as gone:
            results.append(("gone", offer.pk, gone.reason))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome for outcome, *_ in results) == ["booked", "gone"]
    assert Appointment.objects.booked().filter(start=WED_9).count() == 1
    (_, winner_id, _), (_, loser_id, reason) = sorted(results)
    assert reason == "taken"
    assert WaitlistOffer.objects.get(pk=winner_id).status == WaitlistOffer.Status.CLAIMED
    loser = WaitlistOffer.objects.get(pk=loser_id)
    assert loser.status == WaitlistOffer.Status.TAKEN
    assert loser.entry.status == WaitlistEntry.Status.WAITING
    assert Email.objects.filter(request=loser.entry.request, kind=WaitlistMessage.TAKEN).count() == 1
    # The loser's offer email, if it had not gone yet, never will.
    assert set(
        Email.objects.filter(request=loser.entry.request, kind=WaitlistMessage.OFFER).values_list("status", flat=True)
    ) <= {"sent", "superseded"}


@pytest.mark.django_db
def test_an_expired_offer_cannot_be_claimed_and_goes_to_the_next_in_line(small_clinic, now, client):
    holder, entries = offered_and_waiting(small_clinic)
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))
    assert waitlist.waitlist_offers_make() == 2
    alex_offer = WaitlistOffer.objects.get(entry=entries["alex"])
    token_email = Email.objects.get(kind=WaitlistMessage.OFFER, request=entries["alex"].request)

    now.move_to(NOW + timedelta(hours=2, seconds=1))
    with pytest.raises(waitlist.OfferUnavailable) as gone:
        waitlist.waitlist_offer_claim(offer=alex_offer)
    assert gone.value.reason == "expired"
    assert not Appointment.objects.booked().filter(start=WED_9).exists()

    # Through the page too: the patient is told it expired, and that they keep their place.
    session = client.session
    session["waitlist_offer_id"] = alex_offer.pk
    session.save()
    response = client.post("/appointments/offer/")
    assert response.status_code == 410
    assert "This offer has expired" in response.content.decode()
    # An offer email whose turn comes after the offer expired is never sent.
    assert email_not_sendable(token_email)

    # The time goes to the next who fits, never again to those whose offer lapsed.
    assert waitlist.waitlist_offers_make() == 1
    assert WaitlistOffer.objects.live().get().entry == entries["casey"]


def email_not_sendable(email):
    email_send(email_id=email.pk, worker_key="late")
    email.refresh_from_db()
    return email.status == Email.Status.SUPERSEDED


@pytest.mark.django_db
def test_offers_are_never_made_inside_the_minimum_notice_and_end_before_it(small_clinic, now):
    holder, entries = offered_and_waiting(small_clinic)
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))

    now.move_to(WED_9 - timedelta(hours=25))
    assert waitlist.waitlist_offers_make() == 2
    # Two hours would reach into the last day before the time: the offer ends an hour from now.
    assert {o.expires_at for o in WaitlistOffer.objects.all()} == {WED_9 - timedelta(hours=24)}

    WaitlistOffer.objects.all().delete()
    now.move_to(WED_9 - timedelta(hours=23))
    assert waitlist.waitlist_offers_make() == 0


@pytest.mark.django_db
def test_new_hours_reach_the_waitlist_through_the_periodic_task(small_clinic, now):
    Availability.objects.all().delete()  # nothing open when they join
    entries = [join(small_clinic, "Alex"), join(small_clinic, "Blair"), join(small_clinic, "Casey")]
    assert offer_waitlist_times() == 0
    AvailabilityFactory(
        staff=small_clinic["staff"],
        location=small_clinic["location"],
        weekday=WEDNESDAY,
        start_time=time(9),
        end_time=time(9, 30),
    )
    assert offer_waitlist_times() == 2  # the Wednesday time, to the first two
    assert {o.entry for o in WaitlistOffer.objects.all()} == set(entries[:2])
    assert offer_waitlist_times() == 0  # still on offer: nothing more


@pytest.mark.django_db
def test_a_patient_who_joined_while_a_later_time_was_open_is_offered_only_earlier_ones(small_clinic, now, settings):
    settings.SCHEDULING_HORIZON_DAYS = 13  # two Wednesdays: the 10th and the 17th
    holder = book(small_clinic, ConsultationRequestFactory())
    entry = join(small_clinic, "Alex")
    # 9:00 on the 17th was open (EDT by then: 13:00 UTC); not for them, so only earlier times are.
    assert entry.offer_before == datetime(2027, 3, 17, 13, 0, tzinfo=UTC)
    assert waitlist.waitlist_offers_make() == 0
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))
    assert waitlist.waitlist_offers_make() == 1
    assert WaitlistOffer.objects.get().start == WED_9


@pytest.mark.django_db
def test_a_patient_who_books_any_time_leaves_the_list(small_clinic, now):
    holder = book(small_clinic, ConsultationRequestFactory())
    entry = join(small_clinic, "Alex")
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))
    waitlist.waitlist_offers_make()
    book(small_clinic, entry.request)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.BOOKED
    assert WaitlistOffer.objects.get().status == WaitlistOffer.Status.WITHDRAWN


@pytest.mark.django_db
def test_an_offer_goes_by_text_too_when_the_patient_agreed_short_and_with_its_link(small_clinic, now, settings):
    holder = book(small_clinic, ConsultationRequestFactory())
    entry = join(small_clinic, "Alex")
    texts.sms_consent_record(request=entry.request, text=texts.sms_consent_text())
    join(small_clinic, "Blair")
    services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("c", is_staff=True))
    waitlist.waitlist_offers_make()
    text = Email.objects.get(kind=WaitlistMessage.OFFER_TEXT)
    assert text.request == entry.request
    assert Email.objects.filter(kind=WaitlistMessage.OFFER).count() == 2

    fake = FakeTwilio()
    try:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        # 7:00 in New York: quiet hours; the text waits for 8:00, well before the offer ends at 9:00.
        assert not email_send(email_id=text.pk, worker_key="w").sent
        text.refresh_from_db()
        assert text.status == Email.Status.RETRYING and text.next_attempt_at == NOW + timedelta(hours=1)
        now.move_to(NOW + timedelta(hours=1))
        assert email_send(email_id=text.pk, worker_key="w").sent
    finally:
        fake.stop()
    body = fake.messages[0]["Body"]
    assert body.startswith("Riverbend Clinic: a consultation time opened, Wed Mar 10 at 9:00 a.m. EST.")
    assert "Book it by 9:00 a.m. EST" in body  # two hours after the offer at 7:00 and "Reply STOP" in body
    assert re.search(r"https://clinic\.example/appointments/offer/[\w-]+/", body)
    assert sms.segments(body) <= 2
    for word in HEALTH_WORDS:
        assert word.lower() not in body.lower()


@pytest.mark.django_db
def test_patients_join_from_the_booking_page_and_the_nothing_open_page(
    small_clinic, now, client, django_capture_on_commit_callbacks
):
    consultation = ConsultationRequestFactory()
    book_as(client, consultation)
    page = client.get("/appointments/book/").content.decode()
    assert "/appointments/waitlist/?" in page and "Join the" in page

    form = client.get("/appointments/waitlist/").content.decode()
    assert 'name="weekdays"' in form and 'name="day_parts"' in form
    response = client.post(
        "/appointments/waitlist/",
        {
            "consultation_type": small_clinic["type"].pk,
            "location": small_clinic["location"].pk,
            "weekdays": ["0", "2"],
            "day_parts": ["evening", "morning"],
        },
    )
    assert response.status_code == 200 and "You are on the waitlist" in response.content.decode()
    entry = WaitlistEntry.objects.get(request=consultation)
    assert (entry.weekdays, entry.day_parts) == ([0, 2], ["morning", "evening"])

    # With every time taken, the "nothing open" page offers the waitlist.
    with django_capture_on_commit_callbacks(execute=True):  # the cached open days are dropped
        book(small_clinic, ConsultationRequestFactory())
    other = ConsultationRequestFactory()
    book_as(client, other)
    page = client.get("/appointments/book/").content.decode()
    assert "No open times online right now" in page and "Join the waitlist" in page


@pytest.mark.django_db
def test_staff_see_the_waitlist_and_offer_a_time_by_hand(small_clinic, now, client):
    fridays = join(small_clinic, "Frida", weekdays=[FRIDAY])
    admin = get_user_model().objects.create_user("casey", is_staff=True)
    admin.groups.add(coordinator_group_sync())  # intake coordinators, as every start sets them
    client.force_login(admin)
    listing = client.get("/admin/scheduling/waitlistentry/").content.decode()
    assert fridays.request.reference in listing and "Fri" in listing

    response = client.post(
        "/admin/scheduling/waitlistentry/",
        {"action": "offer_next_time", "_selected_action": [fridays.pk]},
        follow=True,
    )
    assert "suits" in response.content.decode()  # nothing on a Friday: staff are told
    fridays.weekdays = []
    fridays.save()
    client.post("/admin/scheduling/waitlistentry/", {"action": "offer_next_time", "_selected_action": [fridays.pk]})
    offer = WaitlistOffer.objects.get()
    assert (offer.entry, offer.start, offer.offered_by) == (fridays, WED_9, admin)


@pytest.mark.django_db
def test_a_spanish_patient_on_the_waitlist_is_offered_the_time_in_spanish(
    small_clinic, now, eager_tasks, client, django_capture_on_commit_callbacks
):
    holder = book(small_clinic, ConsultationRequestFactory())
    entry = join(small_clinic, "Lucia", weekdays=[WEDNESDAY])
    entry.request.language = "es"
    entry.request.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=holder, by=get_user_model().objects.create_user("coordinator"))

    (offer_email,) = [m for m in mail.outbox if m.to == ["lucia@example.com"]]
    assert offer_email.subject == "Se liberó un horario de consulta: miércoles, 10 de marzo de 2027 a las 09:00 EST"
    assert offer_email.body.startswith("Hola, Lucia:")
    assert "Para reservarlo, abra su enlace privado antes del lunes, 8 de marzo de 2027 a las 09:00 EST:" in (
        offer_email.body
    )
    link = re.search(r"https://clinic\.example(/es/appointments/offer/[\w-]+/)", offer_email.body).group(1)
    page = client.get(link, follow=True)
    assert page.redirect_chain[-1][0] == "/es/appointments/offer/"
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Se liberó un horario para usted" in html and "Reservar este horario" in html
    assert "Free phone consultation (20 minutos, llamada telefónica)" in html

    # The form to join speaks Spanish too, days of the week included.
    book_as(client, ConsultationRequestFactory(language="es"))
    form = client.get("/es/appointments/waitlist/").content.decode()
    assert "Días que le convienen" in form and "Miércoles" in form and "Mañana (antes del mediodía)" in form
