"""Quiet hours for text messages, in the patient's own time zone. Pure Python.

A text is never sent between the start and end of quiet hours (for example 21:00 to 08:00),
local time. A text due then goes earlier, before quiet hours begin, rather than later: a
reminder is only useful before the appointment. Times are computed on the local wall clock and
converted back through UTC, so a day with a clock change (23 or 25 hours) gives the right moment.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Sent this long before quiet hours start, so a slow provider still delivers in the evening.
DEFAULT_MARGIN = timedelta(minutes=15)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "QuietHours | None":
        """``"21:00-08:00"``; empty means no quiet hours."""
        text = (text or "").strip()
        if not text:
            return None
        first, _, second = text.partition("-")
        try:
            return cls(time.fromisoformat(first.strip()), time.fromisoformat(second.strip()))
        except ValueError as exc:
            raise ValueError(f"Quiet hours must look like 21:00-08:00, not {text!r}.") from exc

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        # Across midnight.
        return local >= self.start or local < self.end


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def _at(day, clock: time, tz: ZoneInfo) -> datetime:
    """The moment the wall clock shows ``clock`` on ``day`` (the earlier one when it shows it twice;
    a time skipped by a clock change moves forward, as the clock does)."""
    naive = datetime.combine(day, clock)
    moment = naive.replace(tzinfo=tz)
    # Round trip through UTC to normalise a wall time that does not exist that day.
    return moment.astimezone(UTC).astimezone(tz)


def is_quiet(moment: datetime, tz: ZoneInfo, quiet: QuietHours | None) -> bool:
    return bool(quiet) and quiet.contains(_local(moment, tz).time())


def quiet_start_before(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """When the quiet period that contains ``moment`` began."""
    local = _local(moment, tz)
    day = local.date()
    if quiet.start > quiet.end and local.time() < quiet.end:
        # After midnight: the quiet period began the evening before.
        day -= timedelta(days=1)
    return _at(day, quiet.start, tz)


def quiet_end_after(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """When the quiet period that contains ``moment`` ends."""
    local = _local(moment, tz)
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)
    return _at(day, quiet.end, tz)


def send_moment(due: datetime, tz: ZoneInfo, quiet: QuietHours | None, margin: timedelta = DEFAULT_MARGIN) -> datetime:
    """When to send a text that is due at ``due``: then, or before quiet hours begin when ``due``
    falls inside them."""
    if not is_quiet(due, tz, quiet):
        return due
    return quiet_start_before(due, tz, quiet) - margin
