"""When the clinic is open, and how many open minutes lie between two moments.

Pure Python, no Django. Used to time the escalation of an urgent alert nobody acknowledged (a
quarter of an hour of the night is not a quarter of an hour nobody answered) and to tell a patient
outside opening hours that the clinic is closed now, while 988 and 911 are there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_time(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"A clinic time reads like 08:30, not {text!r}.") from None


def _parse_days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"Clinic days read like mon-fri or mon,wed,sat, not {text!r}.")
        start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        # "fri-mon" wraps over the weekend.
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
        days.update(span)
    if not days:
        raise ValueError("The clinic needs at least one open day.")
    return frozenset(days)


@dataclass(frozen=True)
class ClinicHours:
    opens: time
    closes: time
    days: frozenset[int]  # Monday is 0

    @classmethod
    def from_strings(cls, hours: str, days: str) -> ClinicHours:
        """From settings such as ``"08:30-17:00"`` and ``"mon-fri"``. Raises ValueError otherwise."""
        opens_text, sep, closes_text = hours.partition("-")
        if not sep:
            raise ValueError(f"Clinic hours read like 08:30-17:00, not {hours!r}.")
        opens, closes = _parse_time(opens_text), _parse_time(closes_text)
        if closes <= opens:
            raise ValueError(f"Clinic hours must close after they open: {hours!r}.")
        return cls(opens=opens, closes=closes, days=_parse_days(days))

    def is_open(self, moment: datetime) -> bool:
        """``moment`` in the clinic's own time zone."""
        return moment.weekday() in self.days and self.opens <= moment.time() < self.closes

    def open_minutes_between(self, start: datetime, end: datetime) -> float:
        """Minutes of opening hours from ``start`` to ``end``, both aware and in the clinic's time zone."""
        if end <= start:
            return 0.0
        total = timedelta()
        day: date = start.date()
        while day <= end.date():
            if day.weekday() in self.days:
                window_start = datetime.combine(day, self.opens, tzinfo=start.tzinfo)
                window_end = datetime.combine(day, self.closes, tzinfo=start.tzinfo)
                overlap = min(end, window_end) - max(start, window_start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60
