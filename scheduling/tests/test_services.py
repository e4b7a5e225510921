"""Booking, moving and cancelling; no double booking (the database's own guarantee on
PostgreSQL); reminders once, at the right moment, never for a cancelled or moved time."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from booking.models import ConsultationRequest, Email
from booking.tests.factories import ConsultationRequestFactory
from scheduling import services, slots
from scheduling.models import Appointment, AppointmentChange, AppointmentEmail
from scheduling.tests.conftest import NOW

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)  # 9:00 EST
MONDAY_9_DST = datetime(2027, 3, 15, 13, 0, tzinfo=UTC)  # 9:00 EDT, after the change


def book(clinic, consultation, start=TUESDAY_9):
    return services.appointment_book(
        request=consultation, consultation_type=clinic["type"], location=clinic["location"], start=start
    )


def test_booking_records_the_appointment_its_history_the_request_stage_and_one_confirmation(clinic, consultation, now):
    appointment = book(clinic, consultation)
    assert (appointment.start, appointment.end) == (TUESDAY_9, TUESDAY_9 + timedelta(minutes=20))
    assert appointment.blocked_until == TUESDAY_9 + timedelta(minutes=30)
    assert appointment.staff == clinic["staff"]
    assert appointment.sequence == 0
    assert list(appointment.changes.values_list("action", "changed_by")) == [("booked", None)]
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.CONSULTATION_SCHEDULED
    email = Email.objects.get()
    assert email.kind == AppointmentEmail.CONFIRMED
    assert email.context["appointment_id"] == appointment.pk

    # A double click books once.
    assert book(clinic, consultation) == appointment
    assert Appointment.objects.count() == 1 and Email.objects.count() == 1


def test_booking_and_cancelling_show_on_the_requests_timeline(clinic, consultation, now):
    appointment = book(clinic, consultation)
    services.appointment_cancel(appointment=appointment, by=clinic["staff"], note="Patient called")
    events = list(consultation.events.order_by("at", "pk").values_list("kind", "from_status", "to_status", "text"))
    assert events[0][:3] == ("appointment", "", "")
    assert events[0][3].startswith("Booked: ") and "Tue 09 Mar 2027 09:00 EST" in events[0][3]
    assert events[1][:3] == ("status", "new", "consultation_scheduled")
    assert events[2][3].startswith("Cancelled: ") and "(Patient called)" in events[2][3]
    assert events[3][:3] == ("status", "consultation_scheduled", "new")


def test_the_second_patient_for_a_time_is_offered_the_next_times(clinic, now):
    book(clinic, ConsultationRequestFactory())
    with pytest.raises(services.SlotUnavailable) as taken:
        book(clinic, ConsultationRequestFactory())
    starts = [slot.start for slot in taken.value.alternatives]
    assert starts[0] == TUESDAY_9 + timedelta(minutes=30)
    assert TUESDAY_9 not in starts and len(starts) == 5
    assert Appointment.objects.count() == 1


def test_times_outside_the_rules_cannot_be_booked(clinic, consultation, now):
    for start in [
        NOW + timedelta(hours=2),  # inside the minimum notice
        TUESDAY_9 + timedelta(minutes=10),  # not on the grid
        datetime(2027, 3, 13, 14, 0, tzinfo=UTC),  # a Saturday
        NOW + timedelta(days=40),  # beyond the horizon
    ]:
        with pytest.raises(services.SlotUnavailable):
            book(clinic, consultation, start)
    assert not Appointment.objects.exists()


def test_the_python_check_refuses_an_overlap_where_no_constraint_exists(clinic, consultation, now):
    first = book(clinic, ConsultationRequestFactory())
    clash = Appointment(
        request=consultation,
        consultation_type=clinic["type"],
        staff=clinic["staff"],
        location=clinic["location"],
        start=first.start + timedelta(minutes=25),  # inside the first one's buffer
        end=first.start + timedelta(minutes=45),
        blocked_until=first.start + timedelta(minutes=55),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
        services._check_no_overlap(clash)


def test_postgres_refuses_overlapping_bookings_itself(postgres, clinic, consultation, now):
    first = book(clinic, ConsultationRequestFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            request=consultation,
            consultation_type=clinic["type"],
            staff=clinic["staff"],
            location=clinic["location"],
            start=first.start + timedelta(minutes=25),
            end=first.start + timedelta(minutes=45),
            blocked_until=first.start + timedelta(minutes=55),
        )
    # Touching is fine, and a cancelled booking frees its time.
    Appointment.objects.create(
        request=consultation,
        consultation_type=clinic["type"],
        staff=clinic["staff"],
        location=clinic["location"],
        start=first.blocked_until,
        end=first.blocked_until + timedelta(minutes=20),
        blocked_until=first.blocked_until + timedelta(minutes=30),
    )
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.Status.CANCELLED)
    Appointment.objects.create(
        request=ConsultationRequestFactory(),
        consultation_type=clinic["type"],
        staff=clinic["staff"],
        location=clinic["location"],
        start=first.start,
        end=first.end,
        blocked_until=first.blocked_until,
    )


def test_two_patients_racing_for_one_time_on_two_connections_get_one_booking(
    postgres, transactional_db, clinic, monkeypatch
):
    """Both see the time open, then both insert at once: the database lets exactly one through."""
    patients = [ConsultationRequestFactory(), ConsultationRequestFactory()]
    both_saw_it_open = threading.Barrier(2, timeout=10)
    real_slot_at = slots.slot_at

    def slot_at_then_wait(**kwargs):
        slot = real_slot_at(**kwargs)
        both_saw_it_open.wait()
        return slot

    monkeypatch.setattr(slots, "slot_at", slot_at_then_wait)
    # Only the database may refuse here: the Python check (for SQLite) is switched off.
    monkeypatch.setattr(services, "_check_no_overlap", lambda appointment: None)
    results = {}

    def attempt(patient):
        try:
            with time_machine.travel(NOW, tick=False):
                results[patient.pk] = book(clinic, patient)
        except Exception as exc:  # the outcome is what the test checks
            results[patient.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = list(results.values())
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, services.SlotUnavailable)]
    assert len(booked) == 1 and len(refused) == 1, outcomes
    assert Appointment.objects.booked().filter(start=TUESDAY_9).count() == 1
    alternatives = [slot.start for slot in refused[0].alternatives]
    assert alternatives and TUESDAY_9 not in alternatives
    assert alternatives[0] == TUESDAY_9 + timedelta(minutes=30)


def test_with_two_clinicians_two_racing_patients_both_get_the_time(postgres, transactional_db, clinic):
    from scheduling.tests.factories import AvailabilityFactory, StaffFactory

    second = StaffFactory()
    AvailabilityFactory(staff=second, location=clinic["location"], weekday=1)
    patients = [ConsultationRequestFactory(), ConsultationRequestFactory()]
    start_together = threading.Barrier(2, timeout=10)
    results = []

    def attempt(patient):
        try:
            start_together.wait()
            with time_machine.travel(NOW, tick=False):
                results.append(book(clinic, patient))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.staff_id for a in results) == sorted([clinic["staff"].pk, second.pk])


def test_moving_keeps_the_event_identity_raises_the_sequence_and_logs_it(clinic, consultation, now):
    appointment = book(clinic, consultation)
    uid = appointment.uid
    moved = services.appointment_reschedule(appointment=appointment, start=MONDAY_9_DST)
    assert (moved.uid, moved.sequence, moved.start) == (uid, 1, MONDAY_9_DST)
    change = moved.changes.get(action=AppointmentChange.Action.RESCHEDULED)
    assert (change.old_start, change.new_start, change.changed_by) == (TUESDAY_9, MONDAY_9_DST, None)
    rescheduled = Email.objects.get(kind=AppointmentEmail.RESCHEDULED)
    assert rescheduled.context["old_start"] == TUESDAY_9.isoformat()
    # The confirmation, never sent, described the old time: it is dropped.
    assert Email.objects.get(kind=AppointmentEmail.CONFIRMED).status == Email.Status.SUPERSEDED


def test_a_patient_may_move_into_their_own_old_buffer(clinic, consultation, now):
    appointment = book(clinic, consultation)
    moved = services.appointment_reschedule(appointment=appointment, start=TUESDAY_9 + timedelta(minutes=30))
    assert moved.start == TUESDAY_9 + timedelta(minutes=30)


def test_patients_cannot_change_or_cancel_inside_the_window_but_staff_can(clinic, consultation, now):
    appointment = book(clinic, consultation)
    now.move_to(TUESDAY_9 - timedelta(hours=23))
    with pytest.raises(services.ChangeWindowPassed):
        services.appointment_reschedule(appointment=appointment, start=MONDAY_9_DST)
    with pytest.raises(services.ChangeWindowPassed):
        services.appointment_cancel(appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.sequence == 0

    staff = clinic["staff"]
    services.appointment_reschedule(appointment=appointment, start=TUESDAY_9 + timedelta(hours=3), by=staff)
    cancelled = services.appointment_cancel(appointment=appointment, by=staff, note="Patient phoned")
    assert (cancelled.status, cancelled.sequence) == (Appointment.Status.CANCELLED, 2)
    assert list(cancelled.changes.values_list("action", flat=True)) == ["booked", "rescheduled", "cancelled"]
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NEW  # a callback request again


def test_staff_cannot_move_onto_another_booking(clinic, now):
    other = book(clinic, ConsultationRequestFactory(), TUESDAY_9 + timedelta(hours=1))
    appointment = book(clinic, ConsultationRequestFactory())
    with pytest.raises(services.SlotUnavailable):
        services.appointment_reschedule(
            appointment=appointment, start=other.start + timedelta(minutes=10), by=clinic["staff"]
        )
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_9


def test_closing_as_completed_or_no_show(clinic, consultation, now):
    appointment = book(clinic, consultation)
    services.appointment_close(appointment=appointment, status=Appointment.Status.NO_SHOW, by=clinic["staff"])
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert appointment.changes.last().action == AppointmentChange.Action.NO_SHOW


# --- Reminders ----------------------------------------------------------------------------------


def reminders():
    return list(
        Email.objects.filter(kind=AppointmentEmail.REMINDER).order_by("pk").values_list("dedupe_key", flat=True)
    )


def test_reminders_go_out_once_each_24_and_2_hours_before_across_the_clock_change(clinic, consultation, now):
    # Monday 2027-03-15 9:00 EDT; the clocks went forward on the Sunday in between, so 24 hours
    # before is Sunday 9:00 EDT, and 2 hours before is 7:00 EDT.
    appointment = book(clinic, consultation, MONDAY_9_DST)

    now.move_to(MONDAY_9_DST - timedelta(hours=24, minutes=1))
    assert services.reminders_queue() == 0
    now.move_to(MONDAY_9_DST - timedelta(hours=24))
    assert services.reminders_queue() == 1
    for minutes in range(1, 5):  # beat runs every minute
        now.move_to(MONDAY_9_DST - timedelta(hours=24) + timedelta(minutes=minutes))
        assert services.reminders_queue() == 0
    assert reminders() == [f"reminder:{appointment.pk}:{MONDAY_9_DST.isoformat()}:24"]

    now.move_to(MONDAY_9_DST - timedelta(hours=2, minutes=1))
    assert services.reminders_queue() == 0
    now.move_to(MONDAY_9_DST - timedelta(hours=2))
    assert services.reminders_queue() == 1
    now.move_to(MONDAY_9_DST - timedelta(minutes=5))
    assert services.reminders_queue() == 0
    now.move_to(MONDAY_9_DST + timedelta(minutes=1))
    assert services.reminders_queue() == 0
    assert len(reminders()) == 2
    assert reminders()[1].endswith(":2")


def test_no_reminder_after_a_cancellation_and_an_unsent_one_is_dropped(clinic, consultation, now):
    appointment = book(clinic, consultation, MONDAY_9_DST)
    now.move_to(MONDAY_9_DST - timedelta(hours=24))
    services.reminders_queue()
    queued = Email.objects.get(kind=AppointmentEmail.REMINDER)
    assert queued.status == Email.Status.PENDING

    services.appointment_cancel(appointment=appointment, by=clinic["staff"])
    queued.refresh_from_db()
    assert queued.status == Email.Status.SUPERSEDED
    now.move_to(MONDAY_9_DST - timedelta(hours=2))
    assert services.reminders_queue() == 0
    assert len(reminders()) == 1


def test_a_moved_appointment_gets_reminders_for_its_new_time_only(clinic, consultation, now):
    appointment = book(clinic, consultation, TUESDAY_9)
    later = MONDAY_9_DST
    now.move_to(TUESDAY_9 - timedelta(hours=24, minutes=30))
    services.appointment_reschedule(appointment=appointment, start=later)

    now.move_to(TUESDAY_9 - timedelta(hours=2))  # the old time's reminder moment
    assert services.reminders_queue() == 0
    now.move_to(later - timedelta(hours=24))
    assert services.reminders_queue() == 1
    assert reminders() == [f"reminder:{appointment.pk}:{later.isoformat()}:24"]


def test_a_reminder_already_due_when_booked_is_skipped_and_a_late_beat_sends_only_the_nearest(
    clinic, consultation, now
):
    appointment = book(clinic, consultation, TUESDAY_9)  # booked 26 hours ahead
    second = book(clinic, ConsultationRequestFactory(), TUESDAY_9 + timedelta(hours=2))
    Appointment.objects.filter(pk=second.pk).update(scheduled_at=second.start - timedelta(hours=10))
    now.move_to(TUESDAY_9 - timedelta(hours=1))  # beat was down through both reminder moments
    assert services.reminders_queue() == 1
    assert reminders() == [f"reminder:{appointment.pk}:{TUESDAY_9.isoformat()}:2"]

    # The second was booked (by staff, say) ten hours ahead: its 24-hour moment had passed then.
    now.move_to(second.start - timedelta(hours=2))
    assert services.reminders_queue() == 1
    assert reminders()[-1] == f"reminder:{second.pk}:{second.start.isoformat()}:2"


def test_a_deadlock_between_two_simultaneous_bookings_counts_as_a_lost_race():
    from django.db import OperationalError

    class PostgresError(Exception):
        def __init__(self, sqlstate):
            self.sqlstate = sqlstate

    def raised(sqlstate):
        error = OperationalError("from the database")
        error.__cause__ = PostgresError(sqlstate)
        return error

    assert services._lost_race(raised("40P01"))  # deadlock_detected
    assert not services._lost_race(raised("57P01"))  # the server shut down: a real fault
    assert services._lost_race(services.Overlap("taken"))
