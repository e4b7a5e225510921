"""Which waiting patients a time suits. Pure Python: the local start of a time, and what they chose."""

from collections.abc import Iterable
from datetime import datetime

# Local hours, [from, to): morning before noon, afternoon until five, evening after.
DAY_PARTS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}


def day_part(local_start: datetime) -> str:
    return next(part for part, (first, last) in DAY_PARTS.items() if first <= local_start.hour < last)


def suits(local_start: datetime, *, weekdays: Iterable[int], day_parts: Iterable[str]) -> bool:
    """Whether a time (in the location's own clock) falls on a day and part of the day they chose;
    nothing chosen means any."""
    weekdays, day_parts = list(weekdays), list(day_parts)
    if weekdays and local_start.weekday() not in weekdays:
        return False
    return not day_parts or day_part(local_start) in day_parts
