"""Writes for the treatment-history intake, and the screening summary kept with it.

The summary is recomputed after every step (booking/services/screening.py feeds the pure rules).
"""

from django.db import transaction
from django.utils import timezone

from booking import crisis, screening
from booking.models import ConsultationRequest, Email, Intake, Medication, MedicationTrial, RequestEvent
from booking.services.emails import email_queue
from booking.services.pipeline import consultation_request_set_status
from booking.services.screening import find_in_catalog, intake_screen
from booking.services.urgent import consultation_request_flag_free_text, consultation_request_mark_urgent

PHQ9_ITEM_COUNT = len(screening.PHQ9_ITEMS)


def intake_get_or_start(*, request: ConsultationRequest) -> Intake:
    intake, _ = Intake.objects.get_or_create(request=request)
    return intake


def intake_save(*, intake: Intake, step: int, fields: dict, advance: bool = True) -> Intake:
    """Save one step's answers and, unless told not to (a page saved half-filled), move the
    patient's bookmark forward."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(intake, name, value)
        if advance:
            intake.furthest_step = max(intake.furthest_step, step + 1)
        intake.save()
        intake_screen(intake=intake)
        _flag_free_text(intake)
    return intake


def _flag_free_text(intake: Intake) -> None:
    texts = [intake.current_medicines, intake.psychotherapy_kind, intake.other_treatments_notes]
    for trial in intake.trials.all():
        texts += [trial.name_given, trial.when_taken, trial.side_effects]
    consultation_request_flag_free_text(request=intake.request, texts=[t for t in texts if t])


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
        _flag_free_text(intake)
    return intake


def intake_save_phq9(
    *, intake: Intake, step: int, answers: list[int | None], language: str = "en"
) -> screening.Phq9Result:
    """Save the PHQ-9. Any answer above 0 on item 9 marks the request urgent and alerts staff at once,
    whatever else is unanswered: a page with blanks is then saved as it is (None for each blank)
    and the patient's bookmark stays on it, so they can come back and finish. A page with blanks
    and no such answer is not saved (the form asks for the missing answers).

    ``language`` is the published version the patient answered (booking/intake_phq9.py), kept
    with the answers for staff; the score does not depend on it.

    Returns the scored answers, so that callers branch on the same reading of item 9."""
    result = screening.score_phq9(answers)
    if not result.complete and not result.item9_positive:
        return result
    with transaction.atomic():
        before = list(Intake.objects.filter(pk=intake.pk).values_list("phq9", flat=True).first() or [])
        was_positive = len(before) == PHQ9_ITEM_COUNT and before[8] is not None and before[8] > 0
        intake_save(
            intake=intake, step=step, fields={"phq9": answers, "phq9_language": language}, advance=result.complete
        )
        if result.item9_positive:
            consultation_request_mark_urgent(request=intake.request)
        elif was_positive and answers[8] == 0:
            # The flag and the first date stay on the request: what was said still needs a call.
            RequestEvent.objects.create(
                request=intake.request,
                kind=RequestEvent.Kind.CRISIS,
                text="PHQ-9 question 9 changed from above 0 to 0 by the patient. The urgent flag stays.",
            )
    return result


def intake_save_asq(*, intake: Intake, answers: list[str | None]) -> crisis.AsqResult:
    """Save the ASQ follow-up (asked after a positive item 9) and grade the alert with it: an acute
    positive screen alerts staff again, marked acute; any positive screen keeps the same-day alert.
    Raises ValueError for answers score_asq does not accept."""
    result = crisis.score_asq(answers)
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("request").get(pk=intake.pk)
        previous = intake.asq_outcome
        intake.asq = [str(a) if a is not None else None for a in (list(answers) + [None])[: len(crisis.ASQ_QUESTIONS)]]
        intake.asq_outcome = result.outcome.value
        intake.save(update_fields=["asq", "asq_outcome", "updated_at"])
        phq9 = intake.phq9 if len(intake.phq9 or []) == PHQ9_ITEM_COUNT else [None] * PHQ9_ITEM_COUNT
        level = crisis.crisis_alert_level(phq9_item9=phq9[8], asq=result)
        if result.outcome.value != previous:
            RequestEvent.objects.create(
                request=intake.request,
                kind=RequestEvent.Kind.CRISIS,
                text=f"ASQ follow-up answered: {ASQ_OUTCOME_LABELS[result.outcome]}.",
            )
        if level is not crisis.AlertLevel.NONE:
            consultation_request_mark_urgent(
                request=intake.request,
                level=level,
                reason="ASQ follow-up positive: same-day follow-up. Crisis resources were shown.",
            )
    return result


ASQ_OUTCOME_LABELS = {
    crisis.AsqOutcome.NEGATIVE: "negative screen",
    crisis.AsqOutcome.NON_ACUTE_POSITIVE: "non-acute positive screen (brief suicide safety assessment today)",
    crisis.AsqOutcome.ACUTE_POSITIVE: "acute positive screen (immediate safety evaluation)",
    crisis.AsqOutcome.INCOMPLETE: "not finished",
}


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
