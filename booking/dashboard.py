"""The admin index dashboard: what needs attention today."""

from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from booking import screening
from booking.models import ConsultationRequest

Status = ConsultationRequest.Status


def business_days_before(moment: datetime, days: int) -> datetime:
    """The same clock time ``days`` working days (Monday to Friday) earlier."""
    current = moment
    while days > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def dashboard(user) -> dict:
    if not user.has_perm("booking.view_consultationrequest"):
        return {}
    open_requests = ConsultationRequest.objects.open()
    counts = dict(open_requests.values_list("status").annotate(n=Count("pk")).order_by())
    overdue_since = business_days_before(timezone.localtime(), 1)
    unacknowledged = list(
        open_requests.filter(urgent=True, urgent_acknowledged_at__isnull=True)
        .order_by("urgent_since", "created_at")
        .values("pk", "reference", "urgent_since", "created_at", "alert_level", "urgent_escalated_at")[:20]
    )
    now = timezone.now()
    for row in unacknowledged:
        row["age_minutes"] = int((now - (row["urgent_since"] or row["created_at"])).total_seconds() // 60)
    return {
        # Unacknowledged urgent alerts come first, oldest first, with how long each has waited.
        "unacknowledged_urgent": unacknowledged,
        "by_status": [
            (value, label, counts.get(value, 0))
            for value, label in Status.choices
            if value not in (Status.NOT_A_FIT, Status.CLOSED)
        ],
        "urgent_not_contacted": open_requests.filter(urgent=True, first_contacted_at__isnull=True).count(),
        "waiting_over_a_business_day": open_requests.filter(
            status=Status.NEW, first_contacted_at__isnull=True, created_at__lt=overdue_since
        ).count(),
        "outcomes": _outcome_counts(open_requests),
    }


def _outcome_counts(open_requests):
    """Open requests per screening outcome, one row per treatment, in the list filter's terms
    (the counts come from the same indexed columns, so a contraindication is never likely met)."""
    rows = []
    for treatment, name in (("tms", "TMS"), ("spravato", "SPRAVATO")):
        column = f"intake__{treatment}_outcome"
        counts = dict(
            open_requests.filter(**{f"{column}__in": screening.OUTCOMES})
            .values_list(column)
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows.append(
            (
                treatment,
                name,
                [(key, screening.OUTCOME_LABELS[key], counts.get(key, 0)) for key in screening.OUTCOMES],
            )
        )
    return rows
