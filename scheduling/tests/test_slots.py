"""Open times: availability, exceptions, buffers, notice, horizon, daylight saving, query count."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.tests.factories import ConsultationRequestFactory
from scheduling import slots
from scheduling.models import Appointment, AvailabilityException
from scheduling.tests.factories import AvailabilityFactory, StaffFactory

NEW_YORK = ZoneInfo("America/New_York")


def local_times(day_slots, tz=NEW_YORK):
    return [s.start.astimezone(tz).strftime("%H:%M") for s in day_slots]


def compute(rules, *, first, last, busy=(), days_off=(), duration=20, buffer=10, step=30, earliest=None, latest=None):
    return slots.compute_slots(
        rules=rules,
        days_off=days_off,
        busy=busy,
        tz=NEW_YORK,
        first_day=first,
        last_day=last,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        step=timedelta(minutes=step),
        earliest=earliest or datetime(2000, 1, 1, tzinfo=UTC),
        latest=latest or datetime(2100, 1, 1, tzinfo=UTC),
    )


def book(clinic, start, *, staff=None, minutes=20, buffer=10, status=Appointment.Status.BOOKED):
    return Appointment.objects.create(
        request=ConsultationRequestFactory(),
        consultation_type=clinic["type"],
        staff=staff or clinic["staff"],
        location=clinic["location"],
        start=start,
        end=start + timedelta(minutes=minutes),
        blocked_until=start + timedelta(minutes=minutes + buffer),
        status=status,
    )


# --- compute_slots: no database ---------------------------------------------------------------


def test_a_week_across_the_spring_change_keeps_local_hours():
    # Monday to Friday 9:00-10:00; the clocks go forward on Sunday 2027-03-14.
    rules = [slots.Rule(1, weekday, time(9), time(10)) for weekday in range(5)]
    result = compute(rules, first=date(2027, 3, 11), last=date(2027, 3, 16))
    assert sorted(result) == [date(2027, 3, 11), date(2027, 3, 12), date(2027, 3, 15), date(2027, 3, 16)]
    for day_slots in result.values():
        assert local_times(day_slots) == ["09:00", "09:30"]
    # The same wall-clock time is one hour earlier in UTC after the change.
    assert result[date(2027, 3, 12)][0].start == datetime(2027, 3, 12, 14, 0, tzinfo=UTC)
    assert result[date(2027, 3, 15)][0].start == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)


def test_hours_through_the_skipped_hour_offer_only_real_times():
    # Sunday 1:00-4:00 on the spring-forward night is two real hours.
    result = compute([slots.Rule(1, 6, time(1), time(4))], first=date(2027, 3, 14), last=date(2027, 3, 14))
    assert local_times(result[date(2027, 3, 14)]) == ["01:00", "01:30", "03:00", "03:30"]


def test_hours_through_the_repeated_hour_offer_it_twice_as_distinct_moments():
    # Sunday 2026-11-01 1:00-3:00 in New York is three real hours (1:00-2:00 happens twice).
    result = compute([slots.Rule(1, 6, time(1), time(3))], first=date(2026, 11, 1), last=date(2026, 11, 1))
    day_slots = result[date(2026, 11, 1)]
    assert local_times(day_slots) == ["01:00", "01:30", "01:00", "01:30", "02:00", "02:30"]
    assert len({s.start for s in day_slots}) == 6
    assert all(b.start - a.start == timedelta(minutes=30) for a, b in zip(day_slots, day_slots[1:], strict=False))


def test_a_slot_must_end_within_the_hours():
    result = compute([slots.Rule(1, 0, time(9), time(10, 10))], first=date(2027, 3, 8), last=date(2027, 3, 8))
    assert local_times(result[date(2027, 3, 8)]) == ["09:00", "09:30"]  # 10:00 + 20 min would end at 10:20


def test_bookings_block_their_time_and_their_buffer_and_new_slots_keep_theirs():
    rules = [slots.Rule(1, 0, time(9), time(12))]
    nine_thirty = datetime(2027, 3, 8, 14, 30, tzinfo=UTC)  # 9:30 EST, 20 min + 10 buffer: blocked until 10:00
    busy = [slots.Busy(1, nine_thirty, nine_thirty + timedelta(minutes=30))]
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 8), busy=busy)
    # 9:00 would run with its buffer to 9:30: allowed (touching, not overlapping). 9:30 is taken.
    assert local_times(result[date(2027, 3, 8)]) == ["09:00", "10:00", "10:30", "11:00", "11:30"]

    # A longer buffer on the new type pushes it away from the booking that follows.
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 8), busy=busy, buffer=15)
    assert local_times(result[date(2027, 3, 8)]) == ["10:00", "10:30", "11:00", "11:30"]


def test_another_free_clinician_keeps_the_time_open_and_the_least_busy_comes_first():
    rules = [slots.Rule(1, 0, time(9), time(10)), slots.Rule(2, 0, time(9), time(10))]
    nine = datetime(2027, 3, 8, 14, 0, tzinfo=UTC)
    busy = [slots.Busy(1, nine, nine + timedelta(minutes=30))]
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 8), busy=busy)
    first, second = result[date(2027, 3, 8)]
    assert first.staff_ids == (2,)
    assert second.staff_ids == (2, 1)


def test_days_off_for_one_person_or_the_whole_clinic():
    rules = [slots.Rule(1, d, time(9), time(10)) for d in range(5)] + [slots.Rule(2, 0, time(9), time(10))]
    days_off = [
        slots.DaysOff(1, date(2027, 3, 8), date(2027, 3, 9)),
        slots.DaysOff(None, date(2027, 3, 10), date(2027, 3, 10)),
    ]
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 11), days_off=days_off)
    assert {s.staff_ids for s in result[date(2027, 3, 8)]} == {(2,)}
    assert date(2027, 3, 9) not in result
    assert date(2027, 3, 10) not in result
    assert date(2027, 3, 11) in result


def test_minimum_notice_and_horizon_bound_the_times():
    rules = [slots.Rule(1, d, time(9), time(12)) for d in range(5)]
    earliest = datetime(2027, 3, 8, 15, 0, tzinfo=UTC)  # 10:00 EST
    latest = datetime(2027, 3, 9, 15, 0, tzinfo=UTC)
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 10), earliest=earliest, latest=latest)
    assert local_times(result[date(2027, 3, 8)]) == ["10:00", "10:30", "11:00", "11:30"]
    assert local_times(result[date(2027, 3, 9)]) == ["09:00", "09:30", "10:00"]
    assert date(2027, 3, 10) not in result


# --- open_slots: from the database -------------------------------------------------------------


def test_open_slots_respect_notice_horizon_exceptions_and_bookings(clinic, now):
    # Now is Monday 2027-03-08 7:00 EST; 24 h notice; 30 days ahead.
    AvailabilityException.objects.create(start_date=date(2027, 3, 17), end_date=date(2027, 3, 17), reason="Closed")
    AvailabilityException.objects.create(
        staff=clinic["staff"], start_date=date(2027, 3, 18), end_date=date(2027, 3, 19), reason="Leave"
    )
    book(clinic, datetime(2027, 3, 10, 14, 0, tzinfo=UTC))  # Wednesday 9:00 EST
    book(clinic, datetime(2027, 3, 10, 15, 0, tzinfo=UTC), status=Appointment.Status.CANCELLED)

    days = slots.open_slots(consultation_type=clinic["type"], location=clinic["location"])
    first_day = min(days)
    assert first_day == date(2027, 3, 9)
    assert local_times(days[first_day]) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert local_times(days[date(2027, 3, 10)]) == ["09:30", "10:00", "10:30", "11:00", "11:30"]
    assert date(2027, 3, 8) not in days  # inside the notice
    # After the change to daylight time, still 9:00 local.
    assert days[date(2027, 3, 15)][0].start == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
    assert date(2027, 3, 17) not in days  # the clinic is closed
    assert date(2027, 3, 18) not in days and date(2027, 3, 19) not in days  # the only clinician is off
    assert max(days) <= date(2027, 4, 7)  # the horizon
    assert all(d.weekday() < 5 for d in days)


def test_a_type_with_named_staff_only_uses_them(clinic, now):
    other = StaffFactory()
    AvailabilityFactory(staff=other, location=clinic["location"], weekday=1, start_time=time(14), end_time=time(15))
    clinic["type"].staff.set([other])
    days = slots.open_slots(consultation_type=clinic["type"], location=clinic["location"])
    assert local_times(days[date(2027, 3, 9)]) == ["14:00", "14:30"]
    assert {s.staff_ids for d in days.values() for s in d} == {(other.pk,)}


@pytest.mark.parametrize("staff_count, bookings_per_staff", [(1, 0), (12, 20)])
def test_the_slot_lookup_takes_three_queries_however_many_staff_and_bookings(
    clinic, now, django_assert_num_queries, staff_count, bookings_per_staff
):
    team = [clinic["staff"]] + [StaffFactory() for _ in range(staff_count - 1)]
    for member in team[1:]:
        for weekday in range(5):
            AvailabilityFactory(staff=member, location=clinic["location"], weekday=weekday)
    for member in team:
        for n in range(bookings_per_staff):
            day = datetime(2027, 3, 9, 14, 0, tzinfo=UTC) + timedelta(days=n)
            book(clinic, day, staff=member)
    with django_assert_num_queries(3):
        days = slots.open_slots(consultation_type=clinic["type"], location=clinic["location"])
    assert days


def test_listing_days_computes_only_the_first_time_of_each_except_the_day_shown():
    rules = [slots.Rule(1, d, time(9), time(12)) for d in range(5)]
    result = compute(rules, first=date(2027, 3, 8), last=date(2027, 3, 12))
    listed = slots.compute_slots(
        rules=rules,
        days_off=[],
        busy=[],
        tz=NEW_YORK,
        first_day=date(2027, 3, 8),
        last_day=date(2027, 3, 12),
        duration=timedelta(minutes=20),
        buffer=timedelta(minutes=10),
        step=timedelta(minutes=30),
        earliest=datetime(2000, 1, 1, tzinfo=UTC),
        latest=datetime(2100, 1, 1, tzinfo=UTC),
        first_only=True,
        full_day=date(2027, 3, 10),
    )
    assert sorted(listed) == sorted(result)
    assert listed[date(2027, 3, 10)] == result[date(2027, 3, 10)]
    assert [len(listed[d]) for d in sorted(listed)] == [1, 1, 6, 1, 1]


# --- open_days: the cached list of days --------------------------------------------------------


def test_the_list_of_open_days_is_cached_until_the_schedule_changes(
    clinic, now, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from scheduling import services

    lookup = {"consultation_type": clinic["type"], "location": clinic["location"]}
    first = slots.open_days(**lookup)
    assert first[0] == date(2027, 3, 9)
    with django_assert_num_queries(0):
        assert slots.open_days(**lookup) == first

    # Another patient books every time on the first day; the list drops it at once.
    with django_capture_on_commit_callbacks(execute=True):
        for hour in range(14, 17):
            for minute in (0, 30):
                services.appointment_book(
                    request=ConsultationRequestFactory(),
                    consultation_type=clinic["type"],
                    location=clinic["location"],
                    start=datetime(2027, 3, 9, hour, minute, tzinfo=UTC),
                )
    assert slots.open_days(**lookup)[0] == date(2027, 3, 10)


def test_new_hours_entered_by_staff_show_at_once(
    clinic, now, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.ADMIN_REQUIRE_2FA = False
    lookup = {"consultation_type": clinic["type"], "location": clinic["location"]}
    assert date(2027, 3, 13) not in slots.open_days(**lookup)  # a Saturday
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/scheduling/availability/add/",
            {
                "staff": clinic["staff"].pk,
                "location": clinic["location"].pk,
                "weekday": 5,
                "start_time": "09:00",
                "end_time": "12:00",
            },
        )
    assert date(2027, 3, 13) in slots.open_days(**lookup)
