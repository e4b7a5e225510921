import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from booking.models import ConsultationRequest, Email, Intake, Medication
from booking.services import emails, links, screenings_recompute
from booking.tests.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

DISTINCTIVE = "zebra-quartz-77"


@pytest.fixture(autouse=True)
def catalog():
    call_command("load_medications", verbosity=0)


@pytest.fixture
def consultation():
    return ConsultationRequestFactory()


def open_intake(client, consultation):
    token = links.intake_link_issue(request=consultation)
    response = client.get(links.intake_path(token))
    if response["Location"] == "/consultation/intake/confirm/":
        # This test browser did not send the request: it confirms the date of birth first.
        response = client.post(response["Location"], {"date_of_birth": consultation.date_of_birth.isoformat()})
    assert response["Location"] == "/consultation/intake/"
    return token


def step_url(number):
    return f"/consultation/intake/step/{number}/"


def trial_data(rows, *, initial=0, action="next"):
    data = {
        "action": action,
        "trials-TOTAL_FORMS": str(len(rows)),
        "trials-INITIAL_FORMS": str(initial),
        "trials-MIN_NUM_FORMS": "0",
        "trials-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"trials-{i}-{key}"] = value
    return data


SERTRALINE = {
    "name_given": "Zoloft",
    "max_daily_dose": "100",
    "weeks_at_dose": "8",
    "current_episode": "yes",
    "when_taken": "2021",
    "response": "none",
    "stop_reason": "no_help",
    "side_effects": "",
}
BUPROPION = {
    "name_given": "bupropion (Wellbutrin, Wellbutrin XL)",
    "max_daily_dose": "300",
    "weeks_at_dose": "10",
    "current_episode": "yes",
    "when_taken": "2023",
    "response": "little",
    "stop_reason": "side_effects",
    "side_effects": DISTINCTIVE,
}
PHQ9_SEVERE = {f"item_{n}": "2" for n in range(1, 10)} | {"item_9": "0"}
SAFETY_CLEAR = dict.fromkeys(
    [
        "metal_in_head",
        "implanted_device",
        "seizure_history",
        "serious_head_injury",
        "aneurysm_or_avm",
        "brain_bleed_history",
        "high_blood_pressure",
        "pregnant_or_breastfeeding",
        "substance_use",
        "psychotic_symptoms",
        "esketamine_or_ketamine_allergy",
        "heart_or_brain_vessel_disease",
    ],
    "no",
) | {"has_ride_home": "yes"}
TREATMENTS = {
    "psychotherapy_tried": "yes",
    "psychotherapy_kind": "CBT",
    "psychotherapy_length": "3to6m",
    "prior_ect": "no",
    "prior_tms": "no",
    "prior_ketamine": "no",
    "other_treatments_notes": DISTINCTIVE,
}


def fill_first_three_steps(client):
    assert client.post(
        step_url(1),
        {
            "diagnosis": "major_depression",
            "episode_length": "1to2y",
            "current_medicines": DISTINCTIVE,
            "action": "next",
        },
    )["Location"] == step_url(2)
    assert client.post(step_url(2), trial_data([SERTRALINE, BUPROPION]))["Location"] == step_url(3)
    assert client.post(step_url(3), {**TREATMENTS, "action": "next"})["Location"] == step_url(4)


def test_a_patient_completes_every_step_and_staff_get_a_screening_summary(client, consultation, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    open_intake(client, consultation)
    assert client.get("/consultation/intake/")["Location"] == step_url(1)
    fill_first_three_steps(client)
    assert client.post(step_url(4), {**PHQ9_SEVERE, "action": "next"})["Location"] == step_url(5)
    assert client.post(step_url(5), {**SAFETY_CLEAR, "action": "next"})["Location"] == step_url(6)

    review = client.get(step_url(6)).content.decode()
    assert "Zoloft" in review and "100 mg a day" in review and "8 weeks" in review
    assert "Major depression" in review
    assert client.post(step_url(6), {"action": "next"}).status_code == 200  # consent not ticked
    assert client.post(step_url(6), {"confirmed_accurate": "on", "action": "next"})["Location"].endswith("/done/")

    consultation.refresh_from_db()
    intake = consultation.intake
    assert consultation.status == ConsultationRequest.Status.INTAKE_RECEIVED
    assert intake.submitted_at is not None
    assert intake.phq9_total == 16 and intake.phq9_band == "Moderately severe"
    assert intake.tms_outcome == "likely_met"
    assert intake.spravato_outcome == "likely_met"
    assert intake.tms_policy_key == "clinic_default_tms" and intake.spravato_policy_key == "spravato_label_2025"
    assert intake.has_safety_flags is False and intake.has_contraindication is False
    assert "not a diagnosis" in intake.screening["disclaimer"]
    assert [t.medication.generic for t in intake.trials.all()] == ["sertraline", "bupropion"]
    kinds = set(Email.objects.filter(request=consultation).values_list("kind", flat=True))
    assert {"intake_received", "staff_intake_received"} <= kinds


def test_leaving_half_way_and_coming_back_by_the_link_keeps_every_answer(client, consultation):
    token = open_intake(client, consultation)
    fill_first_three_steps(client)

    client.logout()
    client.cookies.clear()  # another day, another browser: the date of birth first
    assert client.get(links.intake_path(token))["Location"] == "/consultation/intake/confirm/"
    client.post("/consultation/intake/confirm/", {"date_of_birth": consultation.date_of_birth.isoformat()})
    assert client.get("/consultation/intake/")["Location"] == step_url(4)
    medicines = client.get(step_url(2)).content.decode()
    assert 'value="Zoloft"' in medicines and DISTINCTIVE in medicines
    assert client.get(step_url(1)).context["form"]["diagnosis"].value() == "major_depression"


def test_medicines_can_be_added_and_removed_without_losing_the_others(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    page = client.post(step_url(2), trial_data([SERTRALINE], action="add")).content.decode()
    assert page.count("<legend") >= 2 and "Medicine 2" in page
    assert 'value="Zoloft"' in page

    client.post(step_url(2), trial_data([SERTRALINE, BUPROPION]))
    rows = [SERTRALINE | {"DELETE": "on"}, BUPROPION]
    client.post(step_url(2), trial_data(rows, initial=2))
    assert list(Intake.objects.get().trials.values_list("name_given", flat=True)) == [BUPROPION["name_given"]]


def test_add_another_medicine_adds_a_row_even_when_the_first_is_still_blank(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    blank = dict.fromkeys(SERTRALINE, "")
    page = client.post(step_url(2), trial_data([blank], action="add")).content.decode()
    assert "Medicine 2" in page


def test_a_saved_dose_is_shown_as_typed(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    client.post(step_url(2), trial_data([SERTRALINE | {"max_daily_dose": "12.5"}, BUPROPION]))
    page = client.get(step_url(2)).content.decode()
    assert 'value="12.5"' in page and 'value="300"' in page
    assert ".000" not in page


def test_pressing_enter_on_the_medicines_step_saves_and_continues(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    html = client.get(step_url(2)).content.decode()
    form = html[html.index('<form method="post"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'value="next"' in first_button


def test_a_bad_dose_gets_a_plain_message_and_keeps_what_was_typed(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    response = client.post(step_url(2), trial_data([SERTRALINE | {"max_daily_dose": "-5"}, BUPROPION]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check the medicines below" in html
    assert 'value="Zoloft"' in html and DISTINCTIVE in html
    assert not Intake.objects.get().trials.exists()


def test_phq9_item_9_above_zero_shows_help_marks_urgent_and_alerts_staff_once(client, consultation, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    open_intake(client, consultation)
    fill_first_three_steps(client)
    answers = {**PHQ9_SEVERE, "item_9": "1", "action": "next"}
    response = client.post(step_url(4), answers)
    assert response["Location"] == "/consultation/intake/support/"
    support = client.get(response["Location"]).content.decode()
    assert 'href="tel:988"' in support and 'href="sms:988"' in support and 'href="tel:911"' in support

    client.post(step_url(4), answers)  # saved again on the way back through
    consultation.refresh_from_db()
    assert consultation.urgent is True
    assert Email.objects.filter(request=consultation, kind="staff_urgent").count() == 1


def test_the_phq9_page_can_show_help_before_saving(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    html = client.get(step_url(4)).content.decode()
    assert 'id="item9-support"' in html and "phq9.js" in html
    assert "Thoughts that you would be better off dead" in html


def test_steps_cannot_be_skipped_ahead(client, consultation):
    open_intake(client, consultation)
    assert client.get(step_url(5))["Location"] == step_url(1)


def test_an_expired_link_explains_how_to_get_a_new_one(client, consultation):
    token = links.intake_link_issue(request=consultation)
    consultation.intake_links.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(links.intake_path(token))
    assert response.status_code == 410
    assert "To get a new link, call us" in response.content.decode()


def test_a_revoked_link_stops_working_at_once_even_mid_intake(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    links.intake_links_expire(request=consultation)
    response = client.get(step_url(2))
    assert response.status_code == 403
    assert "This link no longer works" in response.content.decode()


def test_an_unknown_token_asks_for_a_date_of_birth_like_a_real_one(client):
    assert client.get("/consultation/intake/not-a-real-token/")["Location"] == "/consultation/intake/confirm/"


def test_editing_the_catalog_recomputes_summaries(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    client.post(step_url(4), {**PHQ9_SEVERE, "action": "next"})
    # The TMS safety questions are not answered yet: the contraindication question cannot be ruled out.
    assert Intake.objects.get().tms_outcome == "cannot_tell"
    client.post(step_url(5), {**SAFETY_CLEAR, "action": "next"})
    assert Intake.objects.get().tms_outcome == "likely_met"

    Medication.objects.filter(generic="sertraline").update(min_adequate_daily_dose=150)
    assert screenings_recompute() == 1
    intake = Intake.objects.get()
    assert intake.tms_outcome == "not_yet_met"
    assert any("sertraline" in t["reason"].lower() for t in intake.screening["trials"])


def test_no_health_answer_reaches_an_email_a_log_line_or_a_url(client, consultation, settings, caplog):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    caplog.set_level(logging.DEBUG)
    locations = []

    def post(url, data):
        response = client.post(url, data)
        locations.append(response.get("Location", ""))
        return response

    open_intake(client, consultation)
    post(step_url(1), {"diagnosis": "bipolar", "current_medicines": DISTINCTIVE, "action": "next"})
    post(step_url(2), trial_data([SERTRALINE, BUPROPION]))
    post(step_url(3), {**TREATMENTS, "action": "next"})
    post(step_url(4), {**PHQ9_SEVERE, "item_9": "3", "action": "next"})
    post(step_url(5), {**SAFETY_CLEAR, "action": "next"})
    post(step_url(6), {"confirmed_accurate": "on", "action": "next"})

    for email in Email.objects.all():
        emails.email_send(email_id=email.pk, worker_key="test")
    # The urgent alert, and the two notices that the history arrived.
    assert len(mail.outbox) == Email.objects.count() == 3

    captured = [str(m.subject) + m.body + "".join(a[0] for a in m.alternatives) for m in mail.outbox]
    captured += [record.getMessage() for record in caplog.records]
    captured += locations
    for text in captured:
        for secret in [DISTINCTIVE, "Zoloft", "sertraline", "bipolar", "Bipolar", "CBT", "PHQ"]:
            assert secret not in text, f"{secret!r} leaked into: {text[:200]!r}"


def fill_to_review(client):
    fill_first_three_steps(client)
    client.post(step_url(4), {**PHQ9_SEVERE, "action": "next"})
    client.post(step_url(5), {**SAFETY_CLEAR, "action": "next"})


def test_back_from_the_review_page_never_sends_the_history(client, consultation):
    open_intake(client, consultation)
    fill_to_review(client)
    response = client.post(step_url(6), {"confirmed_accurate": "on", "action": "back"})
    assert response["Location"] == step_url(5)
    assert Intake.objects.get().submitted_at is None
    assert not Email.objects.filter(kind="intake_received").exists()


@pytest.mark.parametrize("action", ["later", "back"])
def test_thoughts_of_self_harm_bring_the_help_page_whichever_button_is_pressed(client, consultation, action):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    response = client.post(step_url(4), {**PHQ9_SEVERE, "item_9": "2", "action": action})
    assert response["Location"] == "/consultation/intake/support/"


def test_urgency_is_on_the_timeline_once(client, consultation):
    open_intake(client, consultation)
    fill_first_three_steps(client)
    for _ in range(2):
        client.post(step_url(4), {**PHQ9_SEVERE, "item_9": "1", "action": "next"})
    assert list(consultation.events.values_list("kind", flat=True)) == ["urgent"]


def test_sending_twice_sends_once_and_the_status_change_is_on_the_timeline(client, consultation, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    open_intake(client, consultation)
    fill_to_review(client)
    intake = Intake.objects.get()
    from booking.services import intake_submit

    intake_submit(intake=intake)
    intake_submit(intake=intake)  # a second tab still showing the review page
    assert Email.objects.filter(kind="intake_received").count() == 1
    event = consultation.events.get(kind="status")
    assert (event.from_status, event.to_status) == ("new", "intake_received")


def test_a_medicine_added_to_the_catalog_later_is_recognised_in_older_trials(client, consultation):
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    client.post(step_url(2), trial_data([SERTRALINE | {"name_given": "Brightzac"}]))
    assert "not in the catalog" in Intake.objects.get().screening["trials"][0]["reason"]

    Medication.objects.filter(generic="sertraline").update(brands="Zoloft;Brightzac")
    screenings_recompute()
    assert "not in the catalog" not in Intake.objects.get().screening["trials"][0]["reason"]
