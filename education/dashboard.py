"""What the admin index shows about medical review: which articles need a reviewer now."""

import datetime

from django.urls import reverse
from django.utils import timezone

from education.models import Article, Language, review_months
from education.review import ReviewState

# An article whose next review falls within this many days is listed as due soon.
DUE_SOON_DAYS = 30


def review_dashboard(*, today: datetime.date | None = None) -> dict:
    """Articles by review state, for ``templates/education/admin/_review_dashboard.html``.

    Keys: ``pending`` (never reviewed, or changed since approval), ``overdue``, ``due_soon``
    (lists of dicts with ``title``, ``language``, ``state``, ``label``, ``next_review``, ``change_url``;
    each language version of an article is its own row, since each is reviewed on its own),
    ``current_count``, ``review_months``, and ``changelist_url`` (the article list filtered to
    "pending or overdue").
    """
    today = today or timezone.localdate()
    pending, overdue, due_soon = [], [], []
    current_count = 0
    for article in Article.objects.with_review().order_by("title", "language"):
        status = article.review_status(today=today)
        row = {
            "title": article.title,
            "language": Language(article.language).label,
            "state": status.state.value,
            "label": status.label,
            "last_reviewed": status.last_reviewed,
            "next_review": status.next_review,
            "change_url": reverse("admin:education_article_change", args=[article.pk]),
        }
        if status.state in (ReviewState.NEVER_REVIEWED, ReviewState.CHANGED):
            pending.append(row)
        elif status.state == ReviewState.OVERDUE:
            overdue.append(row)
        else:
            current_count += 1
            if status.next_review <= today + datetime.timedelta(days=DUE_SOON_DAYS):
                due_soon.append(row)
    return {
        "pending": pending,
        "overdue": overdue,
        "due_soon": sorted(due_soon, key=lambda row: row["next_review"]),
        "current_count": current_count,
        "review_months": review_months(),
        "changelist_url": reverse("admin:education_article_changelist") + "?review=needs_review",
    }
