"""Writes for the treatment-history intake, and the screening summary kept with it.

The summary is recomputed after every step (booking/services/screening.py feeds the pure rules).
"""

from django.db import transaction
from django.utils import timezone

from booking import screening
from booking.models import ConsultationRequest, Email, Intake, Medication, MedicationTrial
from booking.services.emails import email_queue
from booking.services.pipeline import consultation_request_set_status
from booking.services.requests import consultation_request_mark_urgent
from booking.services.screening import find_in_catalog, intake_screen


def intake_get_or_start(*, request: ConsultationRequest) -> Intake:
    intake, _ = Intake.objects.get_or_create(request=request)
    return intake


def intake_save(*, intake: Intake, step: int, fields: dict) -> Intake:
    """Save one step's answers and move the patient's bookmark forward."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(intake, name, value)
        intake.furthest_step = max(intake.furthest_step, step + 1)
        intake.save()
        intake_screen(intake=intake)
    return intake


def intake_save_trials(*, intake: Intake, step: int, rows: list[dict]) -> Intake:
    """Replace the medication trials with the rows the patient sees, in order."""
    with transaction.atomic():
        intake.trials.all().delete()
        medications = list(Medication.objects.all())
        known = screening.catalog_from_rows(m.as_catalog_row() for m in medications)
        by_key = {m.generic.lower(): m for m in medications}
        for position, row in enumerate(rows):
            found = find_in_catalog(known, row["name_given"])
            # A number typed for liothyronine means micrograms: the unit the intake asked for it in.
            MedicationTrial.objects.create(
                intake=intake,
                position=position,
                medication=by_key.get(found.key) if found else None,
                dose_unit=found.dose_unit if found else "mg",
                **row,
            )
        intake.furthest_step = max(intake.furthest_step, step + 1)
        intake.save(update_fields=["furthest_step", "updated_at"])
        intake_screen(intake=intake, known=known)
    return intake


def intake_save_phq9(*, intake: Intake, step: int, answers: list[int | None]) -> screening.Phq9Result:
    """Save the PHQ-9. Any answer above 0 on item 9 marks the request urgent and alerts staff at once.

    Returns the scored answers, so that callers branch on the same reading of item 9."""
    result = screening.score_phq9(answers)
    with transaction.atomic():
        intake_save(intake=intake, step=step, fields={"phq9": answers})
        if result.item9_positive:
            consultation_request_mark_urgent(request=intake.request)
    return result


def intake_submit(*, intake: Intake) -> Intake:
    """Send the history to the clinic, once: a second click or a second tab changes nothing."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("request").get(pk=intake.pk)
        if intake.submitted_at:
            return intake
        intake.confirmed_accurate = True
        intake.submitted_at = timezone.now()
        intake.save(update_fields=["confirmed_accurate", "submitted_at", "updated_at"])
        intake_screen(intake=intake)
        request = intake.request
        if request.status in (ConsultationRequest.Status.NEW, ConsultationRequest.Status.CONTACTED):
            consultation_request_set_status(
                request=request, status=ConsultationRequest.Status.INTAKE_RECEIVED, actor=None
            )
        email_queue(request=request, kind=Email.Kind.INTAKE_RECEIVED)
        email_queue(request=request, kind=Email.Kind.STAFF_INTAKE_RECEIVED)
    return intake


def medication_choices() -> list[tuple[str, str, str]]:
    """What the medicine picker suggests: (each generic with its brands, its dose unit, every name
    it goes by in lower case, separated by semicolons) so the page can name the unit it is dosed in."""
    return [
        (
            str(m),
            m.dose_unit,
            ";".join([m.generic.lower(), *(b.strip().lower() for b in m.brands.split(";") if b.strip())]),
        )
        for m in Medication.objects.all()
    ]
