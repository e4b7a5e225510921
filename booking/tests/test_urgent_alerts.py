"""The staff side of an urgent alert: acknowledged by a named person, escalated once when nobody
does within the clinic's opening hours, first on the dashboard, and production refuses to run
without anyone to receive it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.checks import run_checks

from booking.checks import urgent_alert_recipient_check
from booking.clinic_hours import ClinicHours
from booking.models import Email, RequestEvent
from booking.services import (
    consultation_request_acknowledge_urgent,
    consultation_request_mark_urgent,
    urgent_alerts_escalate,
)
from booking.tests.factories import ConsultationRequestFactory
from core.models import AuditEvent

NY = ZoneInfo("America/New_York")
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=NY)
FRIDAY_1655 = datetime(2026, 12, 4, 16, 55, tzinfo=NY)
MONDAY = datetime(2026, 12, 7, tzinfo=NY)


@pytest.fixture(autouse=True)
def _recipients(settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    settings.URGENT_ESCALATION_EMAILS = ["clinical-lead@clinic.example"]
    settings.URGENT_ESCALATE_MINUTES = 15
    settings.CLINIC_OPEN_HOURS = "08:30-17:00"
    settings.CLINIC_OPEN_DAYS = "mon-fri"
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture
def coordinator():
    user = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True, first_name="Casey")
    user.last_name = "Moreno"
    user.save()
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    return user


def urgent_request_at(moment):
    with time_machine.travel(moment, tick=False):
        request = ConsultationRequestFactory()
        consultation_request_mark_urgent(request=request)
    return request


def escalate_at(moment):
    with time_machine.travel(moment, tick=False):
        return urgent_alerts_escalate()


def alert_emails(request):
    return sorted(request.emails.values_list("kind", "sequence", "recipients"))


# --- Opening hours (pure) -------------------------------------------------------------------------


def test_open_minutes_skip_nights_and_weekends():
    hours = ClinicHours.from_strings("08:30-17:00", "mon-fri")
    assert hours.open_minutes_between(FRIDAY_1655, MONDAY.replace(hour=8, minute=40)) == 15
    assert hours.open_minutes_between(WEDNESDAY_10, WEDNESDAY_10 + timedelta(minutes=20)) == 20
    assert hours.open_minutes_between(WEDNESDAY_10.replace(hour=18), WEDNESDAY_10.replace(hour=23)) == 0
    assert hours.is_open(WEDNESDAY_10) and not hours.is_open(MONDAY.replace(hour=7))
    assert not hours.is_open(datetime(2026, 12, 6, 12, 0, tzinfo=NY))  # a Sunday


@pytest.mark.parametrize(("hours", "days"), [("8-17", "mon-fri"), ("17:00-08:30", "mon-fri"), ("08:30-17:00", "mo")])
def test_clinic_hours_that_cannot_be_read_are_refused(hours, days):
    with pytest.raises(ValueError):
        ClinicHours.from_strings(hours, days)


# --- Escalation -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unacknowledged_alert_is_sent_again_and_escalated_once_at_the_configured_time():
    request = urgent_request_at(WEDNESDAY_10)
    assert escalate_at(WEDNESDAY_10 + timedelta(minutes=14)) == 0
    assert alert_emails(request) == [("staff_urgent", 1, ["coordinator@clinic.example"])]

    assert escalate_at(WEDNESDAY_10 + timedelta(minutes=15, seconds=1)) == 1
    assert alert_emails(request) == [
        ("staff_urgent", 1, ["coordinator@clinic.example"]),
        ("staff_urgent", 3, ["coordinator@clinic.example"]),
        ("staff_urgent_escalation", 1, ["clinical-lead@clinic.example"]),
    ]
    # Later runs, and a second beat process, change nothing.
    assert escalate_at(WEDNESDAY_10 + timedelta(minutes=16)) == 0
    assert escalate_at(WEDNESDAY_10 + timedelta(hours=3)) == 0
    assert Email.objects.count() == 3
    request.refresh_from_db()
    assert request.urgent_escalated_at is not None
    assert request.events.filter(kind=RequestEvent.Kind.ESCALATED).count() == 1


@pytest.mark.django_db
def test_the_escalation_clock_runs_only_in_opening_hours():
    request = urgent_request_at(FRIDAY_1655)
    assert escalate_at(FRIDAY_1655 + timedelta(hours=2)) == 0
    assert escalate_at(MONDAY.replace(hour=8, minute=39)) == 0  # 5 + 9 open minutes
    assert escalate_at(MONDAY.replace(hour=8, minute=41)) == 1
    assert request.emails.filter(kind="staff_urgent_escalation").count() == 1


@pytest.mark.django_db
def test_an_acknowledged_alert_never_escalates(coordinator):
    request = urgent_request_at(WEDNESDAY_10)
    with time_machine.travel(WEDNESDAY_10 + timedelta(minutes=5), tick=False):
        assert consultation_request_acknowledge_urgent(request=request, actor=coordinator) is True
    assert escalate_at(WEDNESDAY_10 + timedelta(minutes=30)) == 0
    assert escalate_at(WEDNESDAY_10 + timedelta(days=1)) == 0
    assert alert_emails(request) == [("staff_urgent", 1, ["coordinator@clinic.example"])]


def test_beat_runs_the_escalation_task():
    from celery import current_app

    entry = django_settings.CELERY_BEAT_SCHEDULE["escalate-unacknowledged-urgent-alerts"]
    assert entry["task"] in current_app.tasks


# --- Acknowledging in the admin -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_named_staff_member_acknowledges_the_alert_on_the_request_page(client, coordinator):
    request = urgent_request_at(WEDNESDAY_10)
    client.force_login(coordinator)
    page_url = f"/admin/booking/consultationrequest/{request.pk}/change/"
    page = client.get(page_url).content.decode()
    assert "Not acknowledged yet" in page and "Acknowledge: I am following this up" in page

    response = client.post(f"/admin/booking/consultationrequest/{request.pk}/acknowledge/", follow=True)
    page = response.content.decode()
    assert "Urgent alert acknowledged" in page
    assert "Acknowledged by Casey Moreno" in page
    request.refresh_from_db()
    assert request.urgent_acknowledged_by == coordinator and request.urgent_acknowledged_at is not None
    event = request.events.get(kind=RequestEvent.Kind.ACKNOWLEDGED)
    assert event.actor == coordinator and event.text == "Urgent alert acknowledged by Casey Moreno."
    assert AuditEvent.objects.filter(actor=coordinator, summary="Acknowledged the urgent alert").count() == 1

    again = client.post(f"/admin/booking/consultationrequest/{request.pk}/acknowledge/", follow=True)
    assert "already acknowledged" in again.content.decode()
    assert request.events.filter(kind=RequestEvent.Kind.ACKNOWLEDGED).count() == 1


@pytest.mark.django_db
def test_the_dashboard_lists_unacknowledged_urgent_requests_first_with_their_age(client, coordinator):
    now = datetime.now(tz=NY)
    older = urgent_request_at(now - timedelta(minutes=40))
    newer = urgent_request_at(now - timedelta(minutes=7))
    taken = urgent_request_at(now - timedelta(minutes=90))
    consultation_request_acknowledge_urgent(request=taken, actor=coordinator)
    client.force_login(coordinator)
    page = client.get("/admin/").content.decode()
    block = page.split("Urgent, not acknowledged", 1)[1].split("</ol>", 1)[0]
    assert block.index(older.reference) < block.index(newer.reference)
    assert taken.reference not in block
    assert "waiting 40 min" in block and "waiting 7 min" in block
    assert page.index("Urgent, not acknowledged") < page.index("waiting more than one business day")


# --- Production refuses to run without an alert recipient ---------------------------------------


def test_the_production_check_fails_without_any_alert_recipient(settings):
    settings.LAPTOP = False
    settings.STAFF_NOTIFICATION_EMAILS = []
    settings.URGENT_ALERT_WEBHOOK_URL = ""
    errors = urgent_alert_recipient_check(None)
    assert [e.id for e in errors] == ["booking.E001"]
    settings.URGENT_ALERT_WEBHOOK_URL = "https://oncall.example/hook"
    assert urgent_alert_recipient_check(None) == []
    assert "booking.E001" not in [e.id for e in run_checks()]
