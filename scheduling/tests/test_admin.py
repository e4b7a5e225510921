"""Staff side: the agenda, moving, cancelling and closing appointments through the services."""

from datetime import UTC, datetime

import pytest

from booking.models import Email
from scheduling import services
from scheduling.models import Appointment, AppointmentChange, AppointmentEmail

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)


@pytest.fixture
def staff_client(now, admin_client, settings):
    # Signed in at the frozen "now", so the session has not expired by then.
    settings.ADMIN_REQUIRE_2FA = False
    return admin_client


@pytest.fixture
def booked(clinic, consultation, now):
    return services.appointment_book(
        request=consultation, consultation_type=clinic["type"], location=clinic["location"], start=TUESDAY_9
    )


def test_the_agenda_lists_a_day_and_a_week_in_local_time(staff_client, booked):
    day = staff_client.get("/admin/scheduling/appointment/agenda/?date=2027-03-09").content.decode()
    assert "Tuesday, March 9, 2027" in day
    assert "09:00–09:20 EST" in day
    assert booked.request.reference in day
    week = staff_client.get("/admin/scheduling/appointment/agenda/?date=2027-03-10&span=week").content.decode()
    assert "Monday, March 8, 2027" in week and "Sunday, March 14, 2027" in week
    assert booked.request.reference in week
    other_day = staff_client.get("/admin/scheduling/appointment/agenda/?date=2027-03-10").content.decode()
    assert booked.request.reference not in other_day


def test_staff_move_an_appointment_in_local_time_and_the_history_shows_who(staff_client, booked, admin_user, now):
    url = f"/admin/scheduling/appointment/{booked.pk}/reschedule/"
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"day": "2027-03-15", "time": "14:00", "staff": booked.staff_id})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.start == datetime(2027, 3, 15, 18, 0, tzinfo=UTC)  # 14:00 EDT
    change = booked.changes.get(action=AppointmentChange.Action.RESCHEDULED)
    assert change.changed_by == admin_user
    page = staff_client.get(f"/admin/scheduling/appointment/{booked.pk}/change/").content.decode()
    assert "Rescheduled" in page and admin_user.username in page


def test_a_time_skipped_by_the_clock_change_is_refused(staff_client, booked):
    url = f"/admin/scheduling/appointment/{booked.pk}/reschedule/"
    response = staff_client.post(url, {"day": "2027-03-14", "time": "02:30", "staff": booked.staff_id})
    assert "does not exist on that day" in response.content.decode()


def test_actions_cancel_and_close_through_the_services(staff_client, booked):
    changelist = "/admin/scheduling/appointment/"
    staff_client.post(changelist, {"action": "mark_completed", "_selected_action": [booked.pk]})
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.COMPLETED
    staff_client.post(changelist, {"action": "mark_no_show", "_selected_action": [booked.pk]})
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.NO_SHOW
    assert staff_client.get(changelist).status_code == 200


def test_cancel_action_emails_the_patient(staff_client, booked):
    staff_client.post("/admin/scheduling/appointment/", {"action": "cancel_selected", "_selected_action": [booked.pk]})
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert Email.objects.filter(kind=AppointmentEmail.CANCELLED).exists()


def test_intake_coordinators_see_the_agenda_but_do_not_set_up_hours(client, db, settings):
    from django.contrib.auth.models import Group, User

    settings.ADMIN_REQUIRE_2FA = False
    coordinator = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(coordinator)
    assert client.get("/admin/scheduling/appointment/agenda/").status_code == 200
    assert client.get("/admin/scheduling/appointment/").status_code == 200
    assert client.get("/admin/scheduling/availability/add/").status_code == 403


def test_staff_who_may_only_look_cannot_cancel_or_close(client, booked, settings):
    from django.contrib.auth.models import Permission, User

    settings.ADMIN_REQUIRE_2FA = False
    viewer = User.objects.create_user("viewer", password="a-long-staff-password-42", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    client.force_login(viewer)
    for action in ["cancel_selected", "mark_completed", "mark_no_show"]:
        client.post("/admin/scheduling/appointment/", {"action": action, "_selected_action": [booked.pk]})
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert not Email.objects.filter(kind=AppointmentEmail.CANCELLED).exists()


def test_staff_without_appointment_rights_do_not_see_the_agenda(client, booked, settings):
    from django.contrib.auth.models import User

    settings.ADMIN_REQUIRE_2FA = False
    client.force_login(User.objects.create_user("editor", password="a-long-staff-password-42", is_staff=True))
    response = client.get("/admin/scheduling/appointment/agenda/?date=2027-03-09")
    assert response.status_code == 403
    assert booked.request.reference not in response.content.decode()


def test_a_cancelled_appointment_cannot_be_marked_completed(booked, admin_user):
    services.appointment_cancel(appointment=booked, by=admin_user)
    with pytest.raises(services.ChangeWindowPassed):
        services.appointment_close(appointment=booked, status=Appointment.Status.COMPLETED, by=admin_user)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2027-02-30"])
def test_the_agenda_answers_a_date_out_of_range_with_a_message(staff_client, day):
    for span in ("day", "week"):
        response = staff_client.get("/admin/scheduling/appointment/agenda/", {"date": day, "span": span})
        assert response.status_code == 200
        if day != "2027-02-30":
            assert "That date is out of range" in response.content.decode()


def test_the_appointment_list_is_audited(staff_client, booked, admin_user):
    from core.models import AuditEvent

    assert staff_client.get("/admin/scheduling/appointment/").status_code == 200
    event = AuditEvent.objects.get(action="view", object_type="scheduling.Appointment", actor=admin_user)
    assert event.details["ids"] == [booked.pk]


@pytest.mark.parametrize("zone", ["America", "US", "Etc"])
def test_a_location_with_a_region_for_a_time_zone_is_refused_plainly(staff_client, zone):
    response = staff_client.post("/admin/scheduling/location/add/", {"name": "Annex", "address": "", "time_zone": zone})
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()
