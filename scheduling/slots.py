"""Open times for a consultation type at a location.

``open_slots`` loads everything for a range of days in three queries (weekly rules,
exceptions, bookings), whatever the number of staff or bookings, and hands plain data to
``compute_slots``, which needs no database.

Daylight saving: each day's hours are built as local wall-clock times in the location's
zone and converted to UTC before any arithmetic, so a 9:00 start is 9:00 on both sides of
a change and an hour that does not exist, or happens twice, is never double-counted.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, Q
from django.utils import timezone

from core.caching import VersionedCache
from scheduling.models import Appointment, Availability, AvailabilityException, ConsultationType, Location

# Open days and times are kept this long, or until any booking or hours change.
OPEN_DAYS_CACHE_SECONDS = 60
schedule_cache = VersionedCache("scheduling", timeout=OPEN_DAYS_CACHE_SECONDS)


@dataclass(frozen=True)
class Rule:
    staff_id: int
    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class DaysOff:
    staff_id: int | None  # None: everyone
    first: date
    last: date


@dataclass(frozen=True)
class Busy:
    staff_id: int
    start: datetime
    until: datetime  # end plus buffer


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    staff_ids: tuple[int, ...] = field(compare=False)  # who is free, least busy first


def compute_slots(
    *,
    rules: Iterable[Rule],
    days_off: Iterable[DaysOff],
    busy: Iterable[Busy],
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    duration: timedelta,
    buffer: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
    first_only: bool = False,
    full_day: date | None = None,
) -> dict[date, list[Slot]]:
    """Open slots per local day, in order. A slot is open when someone has the hours, is not off,
    and the slot with its buffer touches none of their bookings (buffers included).

    With ``first_only``, a day's list holds only its earliest open slot (enough to list the days
    that have any), except ``full_day``, or without one the first open day, which is complete.
    """
    rules_by_weekday = defaultdict(list)
    for rule in rules:
        rules_by_weekday[rule.weekday].append(rule)
    days_off = list(days_off)
    busy_by_staff = defaultdict(list)
    for item in busy:
        busy_by_staff[item.staff_id].append((item.start, item.until))
    starts_by_staff = {}
    for staff_id, items in busy_by_staff.items():
        items.sort()
        starts_by_staff[staff_id] = [start for start, _ in items]
    load = defaultdict(int)  # bookings per staff per day, to spread work
    for staff_id, items in busy_by_staff.items():
        for start, _ in items:
            load[(staff_id, timezone.localtime(start, tz).date())] += 1

    def is_free(staff_id, start, until):
        items = busy_by_staff.get(staff_id)
        if not items:
            return True
        # Bookings are sorted by start and never overlap each other (one staff member),
        # so only the last one starting before `until` can reach into [start, until).
        index = bisect.bisect_left(starts_by_staff[staff_id], until) - 1
        return index < 0 or items[index][1] <= start

    result = {}
    day = first_day
    while day <= last_day:
        off = {d.staff_id for d in days_off if d.first <= day <= d.last}
        if None not in off:
            complete = not first_only or day == full_day or (full_day is None and not result)
            free_at = defaultdict(list)
            for rule in rules_by_weekday.get(day.weekday(), ()):
                if rule.staff_id in off:
                    continue
                window_start = datetime.combine(day, rule.start, tzinfo=tz).astimezone(UTC)
                window_end = datetime.combine(day, rule.end, tzinfo=tz).astimezone(UTC)
                start = window_start
                while start + duration <= window_end:
                    if earliest <= start <= latest and is_free(rule.staff_id, start, start + duration + buffer):
                        free_at[start].append(rule.staff_id)
                        if not complete:
                            break
                    start += step
            if free_at:
                result[day] = [
                    Slot(
                        start=start,
                        end=start + duration,
                        staff_ids=tuple(sorted(set(staff), key=lambda s: (load[(s, day)], s))),
                    )
                    for start, staff in sorted(free_at.items())
                ]
                if not complete:
                    del result[day][1:]
        day += timedelta(days=1)
    return result


def booking_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The earliest and latest start a patient may book now."""
    now = now or timezone.now()
    return (
        now + timedelta(hours=settings.SCHEDULING_MIN_NOTICE_HOURS),
        now + timedelta(days=settings.SCHEDULING_HORIZON_DAYS),
    )


def open_slots(
    *,
    consultation_type: ConsultationType,
    location: Location,
    first_day: date | None = None,
    last_day: date | None = None,
    now: datetime | None = None,
    exclude_appointment_id: int | None = None,
    first_only: bool = False,
    full_day: date | None = None,
) -> dict[date, list[Slot]]:
    """Open slots per local day between two dates (default: the whole booking horizon).
    ``first_only`` and ``full_day`` as for ``compute_slots``."""
    tz = location.tz
    earliest, latest = booking_bounds(now)
    first_day = max(first_day or date.min, timezone.localtime(earliest, tz).date())
    last_day = min(last_day or date.max, timezone.localtime(latest, tz).date())
    if first_day > last_day:
        return {}

    # Only the staff named on the type, or everyone when it names nobody: one query, the choice
    # made inside it.
    type_staff = ConsultationType.staff.through.objects.filter(consultationtype_id=consultation_type.pk)
    rules = Availability.objects.filter(location=location).filter(
        Q(staff_id__in=type_staff.values("user_id")) | ~Exists(type_staff)
    )
    rule_rows = list(rules.values_list("staff_id", "weekday", "start_time", "end_time"))
    staff_ids = {row[0] for row in rule_rows}
    if not staff_ids:
        return {}

    exception_rows = AvailabilityException.objects.filter(
        Q(staff__isnull=True) | Q(staff_id__in=staff_ids),
        Q(location__isnull=True) | Q(location=location),
        start_date__lte=last_day,
        end_date__gte=first_day,
    ).values_list("staff_id", "start_date", "end_date")

    # Bookings anywhere (a person cannot be at two locations at once), from a day before the range
    # to a day after, so that time zone edges and buffers are covered.
    range_start = datetime.combine(first_day - timedelta(days=1), time.min, tzinfo=tz)
    range_end = datetime.combine(last_day + timedelta(days=2), time.min, tzinfo=tz)
    bookings = Appointment.objects.booked().filter(
        staff_id__in=staff_ids, start__lt=range_end, blocked_until__gt=range_start
    )
    if exclude_appointment_id:
        bookings = bookings.exclude(pk=exclude_appointment_id)

    return compute_slots(
        rules=[Rule(*row) for row in rule_rows],
        days_off=[DaysOff(*row) for row in exception_rows],
        busy=[Busy(*row) for row in bookings.values_list("staff_id", "start", "blocked_until")],
        tz=tz,
        first_day=first_day,
        last_day=last_day,
        duration=consultation_type.duration,
        buffer=consultation_type.buffer,
        step=timedelta(minutes=settings.SCHEDULING_SLOT_STEP_MINUTES),
        earliest=earliest,
        latest=latest,
        first_only=first_only,
        full_day=full_day,
    )


def slot_at(
    *,
    consultation_type: ConsultationType,
    location: Location,
    start: datetime,
    now: datetime | None = None,
    exclude_appointment_id: int | None = None,
) -> Slot | None:
    """The open slot starting at ``start``, if there is one."""
    day = timezone.localtime(start, location.tz).date()
    slots = open_slots(
        consultation_type=consultation_type,
        location=location,
        first_day=day,
        last_day=day,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
    )
    return next((slot for slot in slots.get(day, []) if slot.start == start), None)


def next_open(
    *,
    consultation_type: ConsultationType,
    location: Location,
    after: datetime,
    count: int = 5,
    now: datetime | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """The first ``count`` open slots after a time: what to offer someone whose time was just taken."""
    slots = open_slots(
        consultation_type=consultation_type,
        location=location,
        first_day=timezone.localtime(after, location.tz).date(),
        now=now,
        exclude_appointment_id=exclude_appointment_id,
    )
    found = [slot for day in sorted(slots) for slot in slots[day] if slot.start > after]
    return found[:count]


def schedule_changed() -> None:
    """Forget every cached list of open days (after a booking, a move, new hours...)."""
    schedule_cache.invalidate()


def _cached(name, lookup, compute, fresh=False):
    """A value derived from the schedule, kept until the schedule changes or for a minute."""
    parts = [lookup["consultation_type"].pk, lookup["location"].pk, lookup.get("exclude_appointment_id") or 0]
    return schedule_cache.get_or_build(f"{name}:" + ":".join(map(str, parts)), compute, fresh=fresh)


def day_slots(*, day: date, fresh: bool = False, **lookup) -> list[Slot]:
    """The open times of one day, cached like ``open_days``."""
    return _cached(
        f"day-slots:{day.isoformat()}",
        lookup,
        lambda: open_slots(**lookup, first_day=day, last_day=day).get(day, []),
        fresh=fresh,
    )


def open_days(
    *,
    consultation_type: ConsultationType,
    location: Location,
    exclude_appointment_id: int | None = None,
    fresh: bool = False,
) -> list[date]:
    """The days of the horizon with at least one open time, in order.

    Listing them means reading every booking of the horizon, so the list is cached briefly and
    dropped whenever the schedule changes. A value a minute old can at worst offer a time that has
    just been taken: booking always checks the exact slot, and offers the next ones if it is gone.
    """
    lookup = {
        "consultation_type": consultation_type,
        "location": location,
        "exclude_appointment_id": exclude_appointment_id,
    }
    return _cached("open-days", lookup, lambda: sorted(open_slots(**lookup, first_only=True)), fresh=fresh)


@dataclass(frozen=True)
class DayView:
    """What the picker shows: the days with open times, the day shown and its times."""

    open_days: list[date]
    day: date | None
    times: list[Slot]


def day_view(*, wanted: date | None, **lookup) -> DayView:
    """The open days and the times of the day asked for (or, when it has none, of the first open
    day), in one cached value: one cache read for the whole page, whatever the number of staff or
    bookings. Cleared with every other schedule value whenever a booking or the hours change."""

    def build(fresh):
        days = open_days(**lookup, fresh=fresh)
        if wanted is not None and wanted not in days:
            return None  # not stored: any date may be asked for, only open ones are kept
        day = wanted or next(iter(days), None)
        times = day_slots(**lookup, day=day, fresh=fresh) if day else []
        if day is not None and not times and not fresh:
            # The cached list of days was up to a minute old and that day has just filled up.
            return build(fresh=True)
        return DayView(open_days=days, day=day, times=times)

    name = f"day-view:{wanted.isoformat() if wanted else ''}"
    view = _cached(name, lookup, lambda: build(fresh=False))
    if view is None:
        return day_view(wanted=None, **lookup)
    return view


def bookable_choices() -> tuple[list[ConsultationType], list[Location]]:
    """The active consultation types and locations, kept with the open times (staff changing
    either clears them, see scheduling.admin.setup)."""
    return schedule_cache.get_or_build(
        "bookable-choices",
        lambda: (list(ConsultationType.objects.filter(is_active=True)), list(Location.objects.filter(is_active=True))),
    )
