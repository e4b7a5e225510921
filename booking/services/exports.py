"""Exports of requests for staff, each recorded in the audit trail with the requests it held."""

import csv
from collections.abc import Iterable
from typing import IO

from booking import screening
from booking.models import ConsultationRequest, Intake
from core.audit import audit_record
from core.models import AuditEvent

REQUEST_COLUMNS = ["reference", "first_name", "last_name", "email", "phone", "status", "urgent", "created_at"]
# The screening outcome in words, and the policy it was read under (id and clinic revision).
SCREENING_COLUMNS = ["tms_outcome", "tms_policy", "spravato_outcome", "spravato_policy"]
EXPORT_COLUMNS = REQUEST_COLUMNS + SCREENING_COLUMNS


def _screening_cells(obj) -> list[str]:
    try:
        intake = obj.intake
    except Intake.DoesNotExist:
        return ["", "", "", ""]
    cells = []
    for treatment in ("tms", "spravato"):
        outcome = getattr(intake, f"{treatment}_outcome")
        key = getattr(intake, f"{treatment}_policy_key")
        revision = getattr(intake, f"{treatment}_policy_revision")
        cells.append(screening.OUTCOME_LABELS.get(outcome, ""))
        cells.append(f"{key} (revision {revision})" if key and revision else key)
    return cells


def consultation_requests_export_csv(*, requests: Iterable[ConsultationRequest], actor, out: IO[str]) -> int:
    """Write the requests as CSV to ``out``; returns the number of rows."""
    # Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
    # accented and non-Latin names come out garbled.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    references = []
    for obj in requests:
        cells = [getattr(obj, c) for c in REQUEST_COLUMNS] + _screening_cells(obj)
        writer.writerow([csv_safe(c) for c in cells])
        references.append(obj.reference)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        model=ConsultationRequest,
        summary=f"Exported {len(references)} request(s) to CSV: {', '.join(EXPORT_COLUMNS)}",
        details={"references": references, "columns": EXPORT_COLUMNS},
    )
    return len(references)


def csv_safe(value) -> str:
    """Spreadsheets run cells that start with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
