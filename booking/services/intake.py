"""Writes for the treatment-history intake, and the screening summary kept with it.

The rules live in booking/screening.py (pure code); this module feeds them the
saved answers, the catalog from the database and the thresholds from settings.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from booking import crisis, screening
from booking.models import ConsultationRequest, Email, Intake, Medication, MedicationTrial, RequestEvent
from booking.services.emails import email_queue
from booking.services.pipeline import consultation_request_set_status
from booking.services.urgent import consultation_request_flag_free_text, consultation_request_mark_urgent

PHQ9_ITEM_COUNT = len(screening.PHQ9_ITEMS)


def catalog() -> dict[str, screening.Medication]:
    return screening.catalog_from_rows(m.as_catalog_row() for m in Medication.objects.all())


def thresholds() -> screening.Thresholds:
    return screening.Thresholds.from_mapping(settings.SCREENING_THRESHOLDS)


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
            found = _find_in_catalog(known, row["name_given"])
            MedicationTrial.objects.create(
                intake=intake, position=position, medication=by_key.get(found.key) if found else None, **row
            )
        intake.furthest_step = max(intake.furthest_step, step + 1)
        intake.save(update_fields=["furthest_step", "updated_at"])
        intake_screen(intake=intake, known=known)
        _flag_free_text(intake)
    return intake


def intake_save_phq9(*, intake: Intake, step: int, answers: list[int | None]) -> screening.Phq9Result:
    """Save the PHQ-9. Any answer above 0 on item 9 marks the request urgent and alerts staff at once,
    whatever else is unanswered: a page with blanks is then saved as it is (None for each blank)
    and the patient's bookmark stays on it, so they can come back and finish. A page with blanks
    and no such answer is not saved (the form asks for the missing answers).

    Returns the scored answers, so that callers branch on the same reading of item 9."""
    result = screening.score_phq9(answers)
    if not result.complete and not result.item9_positive:
        return result
    with transaction.atomic():
        before = list(Intake.objects.filter(pk=intake.pk).values_list("phq9", flat=True).first() or [])
        was_positive = len(before) == PHQ9_ITEM_COUNT and before[8] is not None and before[8] > 0
        intake_save(intake=intake, step=step, fields={"phq9": answers}, advance=result.complete)
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


def intake_answers(intake: Intake, known: dict) -> screening.IntakeAnswers:
    def medication_key(trial):
        if trial.medication:
            return trial.medication.generic.lower()
        # Typed in before the catalog knew the name: look again, the catalog may know it now.
        found = _find_in_catalog(known, trial.name_given)
        return found.key if found else None

    trials = [
        screening.Trial(
            medication_key=medication_key(trial),
            other_name=trial.name_given,
            max_daily_dose_mg=float(trial.max_daily_dose_mg) if trial.max_daily_dose_mg is not None else None,
            weeks_at_dose=trial.weeks_at_dose,
            response=screening.Response(trial.response) if trial.response else None,
            stop_reason=screening.StopReason(trial.stop_reason) if trial.stop_reason else None,
        )
        for trial in intake.trials.select_related("medication")
    ]
    phq9 = intake.phq9 if len(intake.phq9 or []) == PHQ9_ITEM_COUNT else None
    return screening.IntakeAnswers(
        diagnosis=intake.diagnosis or None,
        episode_months=Intake.EPISODE_MONTHS.get(intake.episode_length),
        trials=trials,
        psychotherapy_tried=intake.psychotherapy_tried,
        psychotherapy_weeks=Intake.THERAPY_WEEKS.get(intake.psychotherapy_length),
        prior_ect=intake.prior_ect,
        prior_tms=intake.prior_tms,
        prior_ketamine_or_esketamine=intake.prior_ketamine,
        phq9=phq9,
        safety={key: (intake.safety or {}).get(key) for key in screening.SAFETY_LABELS},
    )


def intake_screen(*, intake: Intake, known: dict | None = None) -> screening.ScreeningSummary:
    """Recompute and store the summary (after every step, and when the catalog changes)."""
    known = known or catalog()
    summary = screening.summarize(intake_answers(intake, known), known, thresholds())
    complete_phq9 = summary.phq9 if summary.phq9 and summary.phq9.complete else None
    Intake.objects.filter(pk=intake.pk).update(
        screening=summary.to_dict(),
        screening_version=summary.version,
        phq9_total=complete_phq9.total if complete_phq9 else None,
        phq9_band=complete_phq9.band_label if complete_phq9 else "",
        tms_likely=summary.tms.likely_met,
        spravato_likely=summary.spravato.likely_met,
        has_safety_flags=bool(summary.safety_flags),
    )
    return summary


def screenings_recompute() -> int:
    """Recompute every stored summary, for example after staff edit the catalog."""
    known = catalog()
    count = 0
    for intake in Intake.objects.all().iterator():
        intake_screen(intake=intake, known=known)
        count += 1
    return count


def _find_in_catalog(known, typed: str):
    # The picker offers "Generic (Brand, Brand)"; people also type either name alone.
    return screening.find_medication(known, typed) or screening.find_medication(known, typed.split("(")[0])


def medication_choices() -> list[str]:
    """What the medicine picker suggests: each generic with its brands."""
    return [str(m) for m in Medication.objects.all()]
