"""Quiet hours for texts in the patient's time zone, across daylight-saving changes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.quiet_hours import QuietHours, is_quiet, quiet_end_after, send_moment

NEW_YORK = ZoneInfo("America/New_York")
QUIET = QuietHours.parse("21:00-08:00")


def test_parse():
    assert QuietHours(time(21), time(8)) == QUIET
    assert QuietHours.parse("") is None
    with pytest.raises(ValueError, match="21:00-08:00"):
        QuietHours.parse("nine to eight")


def test_a_text_due_in_the_early_morning_goes_the_evening_before_when_clocks_go_forward():
    # Sunday 14 March 2027, New York: 2:00 EST becomes 3:00 EDT. A 9:00 EDT appointment's
    # two-hour reminder is due at 7:00 EDT (11:00 UTC), inside quiet hours.
    due = datetime(2027, 3, 14, 11, 0, tzinfo=UTC)
    sent = send_moment(due, NEW_YORK, QUIET)
    # Saturday 20:45 EST, before quiet hours began (21:00 EST is 02:00 UTC on Sunday).
    assert sent == datetime(2027, 3, 14, 1, 45, tzinfo=UTC)
    assert sent.astimezone(NEW_YORK).strftime("%a %H:%M %Z") == "Sat 20:45 EST"


def test_a_text_due_in_the_early_morning_goes_the_evening_before_when_clocks_go_back():
    # Sunday 7 November 2027: 2:00 EDT becomes 1:00 EST. 7:00 EST is 12:00 UTC.
    due = datetime(2027, 11, 7, 12, 0, tzinfo=UTC)
    sent = send_moment(due, NEW_YORK, QUIET)
    assert sent.astimezone(NEW_YORK).strftime("%a %H:%M %Z") == "Sat 20:45 EDT"
    assert sent == datetime(2027, 11, 7, 0, 45, tzinfo=UTC)


def test_a_text_due_late_in_the_evening_goes_before_nine():
    due = datetime(2027, 3, 10, 23, 0, tzinfo=NEW_YORK)
    assert send_moment(due, NEW_YORK, QUIET) == datetime(2027, 3, 10, 20, 45, tzinfo=NEW_YORK)


def test_a_text_due_in_the_day_goes_when_due():
    due = datetime(2027, 3, 14, 8, 0, tzinfo=NEW_YORK)  # quiet hours end at 8:00 sharp
    assert send_moment(due, NEW_YORK, QUIET) == due
    assert send_moment(due, NEW_YORK, None) == due


def test_quiet_hours_follow_the_local_clock_through_the_change():
    # 7:30 on the Sunday clocks go forward is quiet, and the quiet ends at 8:00 EDT (12:00 UTC),
    # one hour earlier in UTC than on the Saturday (8:00 EST, 13:00 UTC).
    with time_machine.travel(datetime(2027, 3, 14, 11, 30, tzinfo=UTC), tick=False):
        now = datetime.now(UTC)
        assert is_quiet(now, NEW_YORK, QUIET)
        assert quiet_end_after(now, NEW_YORK, QUIET) == datetime(2027, 3, 14, 12, 0, tzinfo=UTC)
    saturday = datetime(2027, 3, 13, 12, 30, tzinfo=UTC)  # 7:30 EST
    assert is_quiet(saturday, NEW_YORK, QUIET)
    assert quiet_end_after(saturday, NEW_YORK, QUIET) == datetime(2027, 3, 13, 13, 0, tzinfo=UTC)
    assert not is_quiet(saturday + timedelta(minutes=31), NEW_YORK, QUIET)


def test_other_zones_use_their_own_clock():
    los_angeles = ZoneInfo("America/Los_Angeles")
    moment = datetime(2027, 3, 10, 4, 0, tzinfo=UTC)  # 23:00 in New York, 20:00 in Los Angeles
    assert is_quiet(moment, NEW_YORK, QUIET)
    assert not is_quiet(moment, los_angeles, QUIET)
