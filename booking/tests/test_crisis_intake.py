"""The crisis signal on the patient's side: item 9 is acted on whatever else the page holds and
whichever button is pressed, the ASQ grades the alert, free text is flagged for staff, and a
shared device can be signed out. Django's test client posts plain forms, as a browser without
JavaScript does."""

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command

from booking.models import ConsultationRequest, Email, Intake, RequestEvent
from booking.services import emails
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.forms import valid_form_data
from booking.tests.test_intake import PHQ9_SEVERE, fill_first_three_steps, open_intake, step_url

pytestmark = pytest.mark.django_db

SUPPORT = "/consultation/intake/support/"
CLINIC_TZ = ZoneInfo("America/New_York")
# A Wednesday morning and a Sunday night, in the clinic's time zone.
OPEN = datetime(2026, 12, 2, 10, 0, tzinfo=CLINIC_TZ)
CLOSED = datetime(2026, 12, 6, 22, 0, tzinfo=CLINIC_TZ)


@pytest.fixture(autouse=True)
def catalog():
    call_command("load_medications", verbosity=0)


@pytest.fixture
def consultation():
    return ConsultationRequestFactory()


@pytest.fixture(autouse=True)
def _alert_recipient(settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    settings.ADMIN_REQUIRE_2FA = False


def only_item9(value, action, **others):
    return {"item_9": str(value), "action": action, **others}


@pytest.mark.parametrize("action", ["next", "back", "later"])
def test_item9_on_an_incomplete_page_is_saved_flagged_and_brings_help_whatever_the_button(client, consultation, action):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    response = client.post(step_url(4), only_item9(2, action, item_1="3"))
    assert response["Location"] == SUPPORT

    consultation.refresh_from_db()
    assert consultation.urgent is True and consultation.urgent_since is not None
    assert consultation.alert_level == "same_day"
    assert Email.objects.filter(request=consultation, kind="staff_urgent").count() == 1
    intake = Intake.objects.get()
    # What was typed is kept, the blanks are None, and the page is still to be finished.
    assert intake.phq9 == [3, None, None, None, None, None, None, None, 2]
    assert intake.furthest_step == 4
    page = client.get(step_url(4)).content.decode()
    checked = re.findall(r'<input[^>]*name="(item_\d)"[^>]*value="(\d)"[^>]*checked', page)
    assert checked == [("item_1", "3"), ("item_9", "2")]
    assert client.get(step_url(5))["Location"] == step_url(4)


def test_an_incomplete_page_without_item9_is_not_saved_and_asks_for_the_missing_answers(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    response = client.post(step_url(4), only_item9(0, "next", item_1="1"))
    assert response.status_code == 200
    assert "Please choose the answer closest to how you have felt." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.urgent is False and Intake.objects.get().phq9 == []


def test_the_phq9_page_does_not_invite_skipping_questions_but_other_steps_do(client, consultation):
    open_intake(client, consultation)
    assert "Skip anything you are not sure about" in client.get(step_url(1)).content.decode()
    fill_first_three_steps(client)
    phq9 = client.get(step_url(4)).content.decode()
    assert "Skip anything you are not sure about" not in phq9
    assert "Please answer all nine questions" in phq9
    # Without JavaScript the help box never opens: the same help is on the page from the start.
    noscript = phq9.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert 'href="tel:988"' in noscript and 'href="tel:911"' in noscript


def test_a_changed_item9_answer_leaves_the_flag_and_its_date_and_is_on_the_timeline(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    client.post(step_url(4), {**PHQ9_SEVERE, "item_9": "1", "action": "next"})
    consultation.refresh_from_db()
    first = consultation.urgent_since

    client.post(step_url(4), {**PHQ9_SEVERE, "item_9": "0", "action": "next"})
    consultation.refresh_from_db()
    assert consultation.urgent is True and consultation.urgent_since == first
    texts = list(consultation.events.filter(kind=RequestEvent.Kind.CRISIS).values_list("text", flat=True))
    assert texts == ["PHQ-9 question 9 changed from above 0 to 0 by the patient. The urgent flag stays."]


def test_without_any_alert_recipient_the_patient_is_not_told_the_team_knows(client, consultation, settings, caplog):
    settings.STAFF_NOTIFICATION_EMAILS = []
    caplog.set_level(logging.ERROR)
    open_intake(client, consultation)
    fill_first_three_steps(client)
    support = client.get(client.post(step_url(4), only_item9(3, "next"))["Location"]).content.decode()
    assert "We have let our team know" not in support
    assert "do not wait for a call from us" in support
    assert 'href="tel:988"' in support and 'href="tel:911"' in support
    assert any("URGENT ALERT NOT QUEUED" in r.getMessage() for r in caplog.records)


def test_with_a_recipient_the_patient_is_told_and_the_alert_subject_is_neutral(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    support = client.get(client.post(step_url(4), only_item9(1, "next"))["Location"]).content.decode()
    assert "We have let our team know" in support
    email = Email.objects.get(kind="staff_urgent")
    emails.email_send(email_id=email.pk, worker_key="test")
    sent = mail.outbox[0]
    assert sent.subject == f"Same-day follow-up needed: {consultation.reference}"
    for word in ("PHQ", "suicid", "self-harm", "item 9", "ASQ"):
        assert word not in sent.subject + sent.body


@pytest.mark.parametrize(("moment", "closed_text_shown"), [(OPEN, False), (CLOSED, True)])
def test_outside_clinic_hours_the_support_page_says_so(client, consultation, moment, closed_text_shown):
    with time_machine.travel(moment):
        open_intake(client, consultation)
        fill_first_three_steps(client)
        client.post(step_url(4), only_item9(1, "next"))
        support = client.get(SUPPORT).content.decode()
    assert ("The clinic is closed right now" in support) is closed_text_shown
    assert ("988 and 911 answer now, day and night" in support) is closed_text_shown
    assert 'href="tel:988"' in support and 'href="tel:911"' in support


def test_an_acute_asq_answer_says_call_now_and_alerts_staff_again_as_acute(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    client.post(step_url(4), only_item9(2, "later"))
    page = client.get(SUPPORT).content.decode()
    assert "In the past few weeks, have you wished you were dead?" in page
    assert "right now" not in page.split("asq-heading", 1)[1]  # question 5 only after a positive screen

    response = client.post(SUPPORT, {"asq_1": "yes", "asq_2": "no", "asq_3": "no", "asq_4": "no"})
    assert response["Location"] == SUPPORT
    page = client.get(SUPPORT).content.decode()
    assert "Are you having thoughts of killing yourself right now?" in page

    client.post(SUPPORT, {"asq_5": "yes"})
    page = client.get(SUPPORT).content.decode()
    assert 'Call or text <a href="tel:988">988</a> now, or call <a href="tel:911">911</a>.' in page
    assert "acute" not in page.lower() and "positive" not in page.lower()

    consultation.refresh_from_db()
    intake = Intake.objects.get()
    assert intake.asq == ["yes", "no", "no", "no", "yes"] and intake.asq_outcome == "acute_positive"
    assert consultation.alert_level == "acute"
    alerts = Email.objects.filter(kind="staff_urgent").order_by("sequence")
    assert [(e.sequence, e.context) for e in alerts] == [(1, {}), (2, {"acute": True})]


def test_a_non_acute_asq_keeps_the_same_day_alert_and_staff_see_the_answers(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    client.post(step_url(4), only_item9(1, "next"))
    client.post(SUPPORT, {"asq_1": "no", "asq_2": "declined", "asq_3": "no", "asq_4": "yes"})
    client.post(SUPPORT, {"asq_5": "no"})
    page = client.get(SUPPORT).content.decode()
    assert "Someone from our team will call you" in page
    consultation.refresh_from_db()
    assert consultation.alert_level == "same_day"
    assert Intake.objects.get().asq_outcome == "non_acute_positive"
    assert Email.objects.filter(kind="staff_urgent").count() == 1

    staff = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True)
    staff.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(staff)
    admin_page = client.get(f"/admin/booking/consultationrequest/{consultation.pk}/change/").content.decode()
    assert "Have you ever tried to kill yourself?" in admin_page and "Declined to answer" in admin_page
    assert "non-acute positive screen" in admin_page
    assert "PHQ-9 item 9 was positive on" in admin_page


def test_crisis_words_in_the_request_message_ask_staff_to_read_it_without_making_it_urgent(client, settings):
    from django.core.cache import cache

    cache.clear()  # the rate limit's counters from other tests
    response = client.post("/consultation/", valid_form_data(message="Some days I want to die, honestly."))
    assert response.status_code == 302, response.content.decode()[-3000:]
    thanks = client.get(response["Location"]).content.decode()
    request = ConsultationRequest.objects.get()
    assert request.free_text_review is True and request.free_text_flags == ["want to die"]
    assert request.urgent is False
    assert "want to die" not in thanks and "review" not in thanks.lower()

    staff = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True)
    staff.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(staff)
    listed = client.get("/admin/booking/consultationrequest/?free_text=yes").content.decode()
    assert request.reference in listed and "Review free text" in listed
    assert request.reference not in client.get("/admin/booking/consultationrequest/?free_text=no").content.decode()


def test_the_request_form_shows_the_988_line_beside_the_message(client):
    page = client.get("/consultation/").content.decode()
    after_message = page.split('name="message"', 1)[1][:2000]
    assert 'href="tel:988"' in after_message


def test_crisis_words_in_side_effects_or_notes_are_flagged_and_the_988_line_is_beside_them(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    medicines = client.get(step_url(2)).content.decode()
    assert 'href="tel:988"' in medicines.split('side_effects"', 1)[1][:1500]
    client.post(
        step_url(2),
        {
            "action": "next",
            "trials-TOTAL_FORMS": "1",
            "trials-INITIAL_FORMS": "0",
            "trials-MIN_NUM_FORMS": "0",
            "trials-MAX_NUM_FORMS": "30",
            "trials-0-name_given": "Zoloft",
            "trials-0-side_effects": "it made me feel like a burden to my family",
        },
    )
    treatments = client.get(step_url(3)).content.decode()
    assert 'href="tel:988"' in treatments.split('other_treatments_notes"', 1)[1][:1500]
    client.post(step_url(3), {"other_treatments_notes": "I have thought about an overdose", "action": "next"})
    consultation.refresh_from_db()
    assert consultation.free_text_flags == ["burden to others", "overdose or stockpiling pills"]
    assert consultation.urgent is False


def test_signing_out_of_a_shared_device_ends_the_session(client, consultation):
    open_intake(client, consultation)
    page = client.get(step_url(1)).content.decode()
    assert "Finish for now and sign out of this device" in page
    response = client.post("/consultation/intake/sign-out/")
    assert "You are signed out of this device" in response.content.decode()
    assert client.get(step_url(1)).status_code == 403
    assert "_auth_user_id" not in client.session and "intake_link_id" not in client.session


def test_the_saved_page_offers_sign_out_too(client, consultation):
    open_intake(client, consultation)
    page = client.post(step_url(1), {"action": "later"}).content.decode()
    assert "Finish for now and sign out of this device" in page


def test_an_intake_session_ends_after_a_day_without_use(client, consultation, settings):
    # The patient session cookie itself lasts only hours (SESSION_HOURS); this checks the intake's own
    # limit for a deployment that lets the cookie live longer.
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    with time_machine.travel(OPEN, tick=False) as traveller:
        open_intake(client, consultation)
        assert client.get(step_url(1)).status_code == 200
        traveller.shift(23 * 3600)
        assert client.get(step_url(1)).status_code == 200  # still in use: the clock starts again
        traveller.shift(24 * 3600 + 60)
        response = client.get(step_url(1))
    assert response.status_code == 403
    assert "the form closes after a day without use" in response.content.decode()
    assert "intake_link_id" not in client.session
