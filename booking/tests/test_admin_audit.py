"""Every staff look at health data leaves an entry in the audit trail, and nothing else gets in."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from booking.models import Email
from booking.tests.factories import ConsultationRequestFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/admin/booking/consultationrequest/"


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture
def coordinator(client):
    user = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True)
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "root@clinic.example", "a-long-staff-password-42")
    client.force_login(user)
    return user


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "DELETE", "PATCH"])
def test_admin_pages_refuse_methods_other_than_get_head_and_post(client, coordinator, method):
    obj = ConsultationRequestFactory()
    response = client.generic(method, f"{LIST}{obj.pk}/change/")
    assert response.status_code == 405
    assert obj.reference not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()
    assert client.head(f"{LIST}{obj.pk}/change/").status_code == 200


def test_the_request_list_is_audited_with_its_filters_and_the_requests_shown(client, coordinator):
    shown = ConsultationRequestFactory(urgent=True)
    ConsultationRequestFactory(urgent=False)
    assert client.get(LIST, {"urgent__exact": "1"}).status_code == 200
    event = AuditEvent.objects.get(action="view", actor=coordinator)
    assert event.object_type == "booking.ConsultationRequest"
    assert "urgent__exact=1" in event.details["query"]
    assert event.details["ids"] == [shown.pk]


def test_the_email_list_is_audited(client, coordinator):
    Email.objects.create(request=ConsultationRequestFactory(), kind="confirmation", recipients=["a@example.com"])
    assert client.get("/admin/booking/email/").status_code == 200
    event = AuditEvent.objects.get(action="view", actor=coordinator)
    assert event.object_type == "booking.Email"
    assert sorted(event.details["ids"]) == sorted(Email.objects.values_list("pk", flat=True))


def test_the_delete_confirmation_and_history_pages_are_audited(client, superuser):
    obj = ConsultationRequestFactory()
    assert client.get(f"{LIST}{obj.pk}/delete/").status_code == 200
    assert client.get(f"{LIST}{obj.pk}/history/").status_code == 200
    summaries = list(AuditEvent.objects.filter(action="view", object_id=str(obj.pk)).values_list("summary", flat=True))
    assert any("delete" in s.lower() for s in summaries)
    assert any("history" in s.lower() for s in summaries)
    client.post(f"{LIST}{obj.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(action="delete", object_id=str(obj.pk), actor=superuser).exists()


def test_the_export_entry_names_every_request_it_held(client, coordinator):
    chosen = [ConsultationRequestFactory() for _ in range(3)]
    client.post(LIST, {"action": "export_csv", "_selected_action": [o.pk for o in chosen]})
    event = AuditEvent.objects.get(action="export")
    assert sorted(event.details["references"]) == sorted(o.reference for o in chosen)


def test_the_export_opens_in_excel_with_accented_and_non_latin_names_intact(client, coordinator):
    names = ["Zoë", "José", "Nguyễn", "Дмитрий", "李"]
    chosen = [ConsultationRequestFactory(first_name=n, last_name="=cmd|' /C calc'!A0") for n in names]
    response = client.post(LIST, {"action": "export_csv", "_selected_action": [o.pk for o in chosen]})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    # Excel picks UTF-8 only when the file starts with a byte-order mark.
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r["first_name"] for r in rows) == sorted(names)
    assert all(r["last_name"].startswith("'=") for r in rows)
