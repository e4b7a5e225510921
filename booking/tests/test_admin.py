import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.models import ConsultationRequest, Email, Intake, RequestEvent
from booking.services import links
from booking.tests.factories import ConsultationRequestFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/admin/booking/consultationrequest/"
PASSWORD = "a-long-staff-password-42"


def change_url(obj):
    return f"{LIST}{obj.pk}/change/"


@pytest.fixture(autouse=True)
def _no_2fa_unless_asked(settings):
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture
def coordinator():
    user = User.objects.create_user("casey", password=PASSWORD, is_staff=True, first_name="Casey")
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_outside_the_coordinator_group_cannot_see_requests(client):
    ConsultationRequestFactory()
    client.force_login(User.objects.create_user("temp", password=PASSWORD, is_staff=True))
    assert client.get(LIST).status_code == 403


def test_coordinators_review_and_change_but_only_superusers_delete(client, coordinator_client):
    obj = ConsultationRequestFactory()
    assert coordinator_client.get(LIST).status_code == 200
    assert coordinator_client.get(change_url(obj)).status_code == 200
    assert coordinator_client.get(f"{LIST}{obj.pk}/delete/").status_code == 403
    admin = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)
    client.force_login(admin)
    assert client.get(f"{LIST}{obj.pk}/delete/").status_code == 200


def test_the_list_shows_open_urgent_first_then_oldest_waiting(coordinator_client):
    now = timezone.now()
    old = ConsultationRequestFactory(created_at=now - timedelta(days=3))
    newer = ConsultationRequestFactory(created_at=now - timedelta(days=1))
    contacted = ConsultationRequestFactory(
        created_at=now - timedelta(days=5), first_contacted_at=now, status="contacted"
    )
    urgent = ConsultationRequestFactory(created_at=now, urgent=True)
    closed_urgent = ConsultationRequestFactory(created_at=now - timedelta(days=9), urgent=True, status="closed")
    shown = list(coordinator_client.get(LIST).context["cl"].result_list)
    assert shown == [urgent, old, newer, contacted, closed_urgent]


def test_the_list_shows_intake_screening_and_safety_at_a_glance(coordinator_client):
    obj = ConsultationRequestFactory(urgent=True)
    Intake.objects.create(
        request=obj,
        phq9_total=21,
        phq9_band="Severe",
        tms_outcome="likely_met",
        spravato_outcome="not_yet_met",
        has_safety_flags=True,
        submitted_at=timezone.now(),
    )
    html = coordinator_client.get(LIST).content.decode()
    for text in ["Urgent", "Complete", "21 · Severe", "Likely met", "Not yet met", "Review", obj.reference]:
        assert text in html


@pytest.mark.parametrize(
    "filter_query",
    [
        "tms=likely_met",
        "spravato=cannot_tell",
        "tms=none",
        "contraindication=yes",
        "safety=yes",
        "intake=complete",
        "assigned=me",
        "urgent__exact=1",
        "status__exact=new",
    ],
)
def test_filters_answer(coordinator_client, filter_query):
    ConsultationRequestFactory()
    assert coordinator_client.get(f"{LIST}?{filter_query}").status_code == 200


def test_the_list_page_query_count_does_not_grow_with_rows(coordinator_client):
    def queries_for_list():
        coordinator_client.get(LIST)  # the first page of a session also records when staff were last seen
        with CaptureQueriesContext(connection) as captured:
            assert coordinator_client.get(LIST).status_code == 200
        return len(captured)

    for _ in range(10):
        Intake.objects.create(request=ConsultationRequestFactory(), phq9_total=12, phq9_band="Moderate")
    with_10 = queries_for_list()
    for _ in range(190):
        Intake.objects.create(request=ConsultationRequestFactory(), phq9_total=12, phq9_band="Moderate")
    assert queries_for_list() == with_10


def test_viewing_a_request_is_audited_with_who_and_where(coordinator_client, coordinator):
    obj = ConsultationRequestFactory()
    coordinator_client.get(change_url(obj), REMOTE_ADDR="203.0.113.7")
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.object_id, event.ip_address) == (coordinator, str(obj.pk), "203.0.113.7")


def test_nobody_can_edit_or_delete_the_audit_trail_and_only_superusers_read_it(client, coordinator_client):
    event = AuditEvent.objects.create(action="view", summary="x")
    assert coordinator_client.get("/admin/core/auditevent/").status_code == 403
    admin = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/change/", {"summary": "y"}).status_code == 403
    assert AuditEvent.objects.filter(summary="x").exists()


def test_export_is_audited_with_the_row_count(coordinator_client):
    chosen = [ConsultationRequestFactory(first_name="=HYPERLINK(1)"), ConsultationRequestFactory()]
    response = coordinator_client.post(LIST, {"action": "export_csv", "_selected_action": [o.pk for o in chosen]})
    body = response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.count("\n") == 3
    assert "'=HYPERLINK(1)" in body  # not run as a formula by a spreadsheet
    assert "Exported 2 request(s)" in AuditEvent.objects.get(action="export").summary


def test_actions_change_status_and_record_it_on_the_timeline(coordinator_client, coordinator):
    obj = ConsultationRequestFactory()
    coordinator_client.post(LIST, {"action": "assign_to_me", "_selected_action": [obj.pk]})
    coordinator_client.post(LIST, {"action": "mark_contacted", "_selected_action": [obj.pk]})
    obj.refresh_from_db()
    assert obj.assigned_to == coordinator
    assert obj.status == "contacted" and obj.first_contacted_at is not None
    event = obj.events.get(kind="status")
    assert (event.from_status, event.to_status, event.actor) == ("new", "contacted", coordinator)
    assert AuditEvent.objects.filter(action="change", object_id=str(obj.pk)).count() == 2


def test_not_a_fit_asks_for_a_reason_first(coordinator_client):
    obj = ConsultationRequestFactory()
    form = coordinator_client.post(LIST, {"action": "mark_not_a_fit", "_selected_action": [obj.pk]})
    assert "Reason" in form.content.decode()
    obj.refresh_from_db()
    assert obj.status == "new"
    coordinator_client.post(
        LIST, {"action": "mark_not_a_fit", "_selected_action": [obj.pk], "reason": "Lives out of state"}
    )
    obj.refresh_from_db()
    assert obj.status == "not_a_fit"
    assert obj.events.get(kind="status").text == "Lives out of state"


def test_the_request_page_shows_the_screening_summary_and_takes_notes(coordinator_client, coordinator):
    obj = ConsultationRequestFactory()
    Intake.objects.create(
        request=obj,
        phq9_total=18,
        phq9_band="Moderately severe",
        screening={
            "disclaimer": "This is a screening aid for staff. It is not a diagnosis or an eligibility decision.",
            "tms": {
                "outcome": "likely_met",
                "outcome_label": "Criteria likely met",
                "likely_met": True,
                "reason": "All criteria met.",
                "met": ["Failed trials: 2"],
                "unmet": [],
                "needs_review": [],
            },
            "spravato": {
                "outcome": "not_yet_met",
                "outcome_label": "Criteria not yet met",
                "likely_met": False,
                "reason": "One unmet.",
                "met": [],
                "unmet": ["Failed trials: 1"],
                "needs_review": ["Blood pressure: yes"],
            },
            "safety_flags": ["High blood pressure"],
            "trials": [],
            "thresholds": {"min_weeks_adequate": 6},
            "urgent": False,
        },
    )
    page = coordinator_client.get(change_url(obj))
    html = page.content.decode()
    assert "not a diagnosis" in html and "Criteria likely met" in html and "High blood pressure" in html
    assert "no-store" in page["Cache-Control"]

    coordinator_client.post(f"{LIST}{obj.pk}/note/", {"text": "Left a voicemail."})
    coordinator_client.post(f"{LIST}{obj.pk}/status/", {"status": "contacted"})
    html = coordinator_client.get(change_url(obj)).content.decode()
    assert "Left a voicemail." in html and "Casey" in html
    assert RequestEvent.objects.filter(request=obj).count() == 2


def test_staff_can_reissue_the_intake_link_and_resend_an_email(coordinator_client):
    obj = ConsultationRequestFactory()
    token = links.intake_link_issue(request=obj)
    coordinator_client.post(f"{LIST}{obj.pk}/link/", {"do": "reissue"})
    assert not links.intake_link_find(token).is_usable
    email = Email.objects.get(request=obj, kind="intake_link_reissued")

    Email.objects.filter(pk=email.pk).update(status="failed", attempts=8, last_error="SMTPRecipientsRefused")
    coordinator_client.post(f"{LIST}{obj.pk}/resend/{email.pk}/")
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("pending", 0, "")


def test_the_admin_index_shows_what_needs_attention(coordinator_client):
    ConsultationRequestFactory(urgent=True)
    ConsultationRequestFactory(created_at=timezone.now() - timedelta(days=6))
    html = coordinator_client.get("/admin/").content.decode()
    assert "<strong>1</strong> urgent, not yet contacted" in html
    assert "<strong>1</strong> waiting more than one business day" in html
    assert "<strong>2</strong> new" in html


def test_idle_staff_are_signed_out(coordinator_client):
    assert coordinator_client.get(LIST).status_code == 200
    session = coordinator_client.session
    session["staff_last_seen"] = time.time() - 31 * 60
    session.save()
    assert coordinator_client.get(LIST).status_code == 302


# --- Signing in ----------------------------------------------------------------------------------


def sign_in(client, username, password, token=None):
    data = {"username": username, "password": password, "next": LIST}
    if token is not None:
        data["otp_token"] = token
    return client.post("/admin/login/", data, REMOTE_ADDR="198.51.100.4")


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_with_2fa_required_a_password_alone_does_not_open_the_admin(client, coordinator, settings):
    settings.ADMIN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)
    sign_in(client, "casey", PASSWORD)
    assert client.get(LIST).status_code == 302

    sign_in(client, "casey", PASSWORD, token=current_code(device))
    assert client.get(LIST).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=coordinator, ip_address="198.51.100.4").exists()

    client.logout()
    wrong = "000000" if current_code(device) != "000000" else "111111"
    refused = sign_in(client, "casey", PASSWORD, token=wrong)
    assert "the username, password or code is not right" in refused.content.decode()
    assert client.get(LIST).status_code == 302


def test_with_2fa_required_a_forced_password_session_is_not_enough(client, coordinator, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(coordinator)
    assert client.get(LIST).status_code == 302


def test_repeated_failures_lock_the_account_and_are_audited(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "casey", "wrong password")
    locked = sign_in(client, "casey", PASSWORD)
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert client.get(LIST).status_code == 302
    failures = AuditEvent.objects.filter(action="login_failed", username="casey")
    assert failures.count() >= settings.AXES_FAILURE_LIMIT


def test_the_open_statuses_behind_the_pipeline_order_match_the_model():
    from booking.models.requests import OPEN_STATUSES

    assert set(OPEN_STATUSES) == set(ConsultationRequest.Status.values) - {"not_a_fit", "closed"}


def test_starting_the_site_repairs_the_coordinator_group():
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from core.roles import COORDINATOR_PERMISSIONS

    group = Group.objects.get(name="Intake coordinators")
    group.permissions.add(Permission.objects.get(codename="delete_consultationrequest"))
    call_command("load_initial_content", verbosity=0)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {c for names in COORDINATOR_PERMISSIONS.values() for c in names}

    group.delete()
    call_command("sync_roles", verbosity=0)
    assert Group.objects.get(name="Intake coordinators").permissions.count() == len(codenames)


def test_an_email_being_sent_or_made_untrue_is_not_resent(coordinator_client):
    obj = ConsultationRequestFactory()
    sending = Email.objects.create(request=obj, kind="request_received", status="sending", recipients=["a@b.c"])
    superseded = Email.objects.create(
        request=obj,
        kind="appointment_confirmed",
        status="superseded",
        recipients=["a@b.c"],
        last_error="Superseded: the appointment changed before this was sent.",
    )
    for email in (sending, superseded):
        page = coordinator_client.post(f"{LIST}{obj.pk}/resend/{email.pk}/", follow=True)
        assert "was not resent" in page.content.decode()
    sending.refresh_from_db()
    superseded.refresh_from_db()
    assert (sending.status, superseded.status) == ("sending", "superseded")


def test_revoking_links_also_stops_an_unsent_email_from_carrying_a_new_one(coordinator_client):
    obj = ConsultationRequestFactory()
    waiting = Email.objects.create(request=obj, kind="request_received", status="retrying", recipients=["a@b.c"])
    coordinator_client.post(f"{LIST}{obj.pk}/link/", {"do": "revoke"})
    waiting.refresh_from_db()
    assert waiting.status == "superseded" and waiting.last_error.startswith("Superseded:")
    assert not obj.intake_links.usable().exists()


def test_deleting_medicines_in_bulk_recomputes_summaries(client, django_capture_on_commit_callbacks, tasks_run_eagerly):
    from django.core.management import call_command

    from booking.models import Medication, MedicationTrial

    call_command("load_medications", verbosity=0)
    obj = ConsultationRequestFactory()
    intake = Intake.objects.create(request=obj)
    sertraline = Medication.objects.get(generic="sertraline")
    MedicationTrial.objects.create(intake=intake, medication=sertraline, name_given="Zoloft")
    admin = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(
            "/admin/booking/medication/",
            {"action": "delete_selected", "_selected_action": [sertraline.pk], "post": "yes"},
        )
    assert len(callbacks) == 1  # one recompute in a worker, after the delete commits
    assert not Medication.objects.filter(generic="sertraline").exists()
    assert "not in the catalog" in Intake.objects.get().screening["trials"][0]["reason"]


def test_the_request_page_shows_automatic_timeline_entries(coordinator_client):
    from booking.services import consultation_request_mark_urgent

    obj = ConsultationRequestFactory()
    consultation_request_mark_urgent(request=obj)
    html = coordinator_client.get(change_url(obj)).content.decode()
    assert "Automatic" in html and "PHQ-9 question 9 answered above 0" in html


def test_the_request_page_shows_best_times_as_words_and_phones_in_national_format(coordinator_client):
    request = ConsultationRequestFactory(phone="+16175550123", best_times=["morning", "weekend"])
    page = coordinator_client.get(change_url(request)).content.decode()
    assert "Weekday mornings, Weekends" in page
    assert '["morning"' not in page and "&quot;morning&quot;" not in page
    assert 'value="(617) 555-0123"' in page
    listed = coordinator_client.get(LIST).content.decode()
    assert "(617) 555-0123" in listed and "+16175550123" not in listed


def test_saving_the_request_page_keeps_the_phone_number(coordinator_client):
    request = ConsultationRequestFactory(phone="+16175550123", best_times=["morning"])
    data = {
        "first_name": request.first_name,
        "last_name": request.last_name,
        "email": request.email,
        "phone": "(617) 555-0123",
        "preferred_contact": "phone",
        "assigned_to": "",
    }
    response = coordinator_client.post(change_url(request), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert str(request.phone) == "+16175550123" and request.best_times == ["morning"]


def test_coordinators_see_no_library_sections_on_the_admin_index(coordinator_client):
    page = coordinator_client.get("/admin/").content.decode()
    assert "Consultation requests" in page
    for section in ("Axes", "OTP", "TOTP", "Access attempts", "Groups"):
        assert section not in page
