"""When a medical review counts, as plain Python (no Django imports), so the rule is easy to test.

An article's review is current only when a reviewer approved exactly the text and references
the page shows now, and that approval is younger than the review period. Anything else is
pending: never approved, changed since approval, or overdue.
"""

import calendar
import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_REVIEW_MONTHS = 12


class ReviewState(StrEnum):
    CURRENT = "current"
    NEVER_REVIEWED = "never_reviewed"
    CHANGED = "changed"
    OVERDUE = "overdue"


STATE_LABELS = {
    ReviewState.CURRENT: "Reviewed",
    ReviewState.NEVER_REVIEWED: "Review pending (never reviewed)",
    ReviewState.CHANGED: "Review pending (changed since approval)",
    ReviewState.OVERDUE: "Review overdue",
}


def content_snapshot(*, title: str, summary: str, body: str, references: Iterable[tuple[str, str]]) -> dict:
    """What a reviewer approves: everything a reader sees as the article's claims and sources."""
    return {
        "title": title,
        "summary": summary,
        "body": body,
        "references": [[citation, url] for citation, url in references],
    }


def content_hash(snapshot: dict) -> str:
    encoded = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 January → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Approval:
    approved_on: datetime.date
    content_hash: str


@dataclass(frozen=True)
class ReviewStatus:
    state: ReviewState
    # The approval of the version shown now (None when this version was never approved).
    approval: object | None
    last_reviewed: datetime.date | None
    next_review: datetime.date | None

    @property
    def is_current(self) -> bool:
        return self.state == ReviewState.CURRENT

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def review_status(
    *, current_hash: str, approvals: Iterable, today: datetime.date, months: int = DEFAULT_REVIEW_MONTHS
) -> ReviewStatus:
    """``approvals`` are objects with ``approved_on`` (a date) and ``content_hash``, in any order."""
    approvals = list(approvals)
    if not approvals:
        return ReviewStatus(ReviewState.NEVER_REVIEWED, None, None, None)
    matching = [approval for approval in approvals if approval.content_hash == current_hash]
    if not matching:
        return ReviewStatus(ReviewState.CHANGED, None, None, None)
    latest = max(matching, key=lambda approval: approval.approved_on)
    next_review = add_months(latest.approved_on, months)
    state = ReviewState.CURRENT if today < next_review else ReviewState.OVERDUE
    return ReviewStatus(state, latest, latest.approved_on, next_review)
