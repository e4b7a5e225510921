"""The screening summary kept with each intake: feeding the pure rules (booking/screening.py) the
saved answers, the catalog and the payer policies from the database, and the clinicians'
clearances; recording a clearance; recomputing stored summaries in the background."""

import logging
from datetime import date

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking import screening
from booking.models import (
    CarrierPolicy,
    ContraindicationClearance,
    Intake,
    Medication,
    PayerPolicy,
    RequestEvent,
)
from booking.policies import DEFAULT_POLICY_IDS, Policy
from booking.safety_questions import NOT_SURE, QUESTIONS_BY_KEY, SPRAVATO, TMS
from core.audit import audit_record
from core.models import AuditEvent

logger = logging.getLogger(__name__)

PHQ9_ITEM_COUNT = len(screening.PHQ9_ITEMS)
RECOMPUTE_TASK = "booking.tasks.recompute_screenings"
TREATMENT_LABELS = {TMS: "TMS", SPRAVATO: "SPRAVATO"}


def catalog() -> dict[str, screening.Medication]:
    return screening.catalog_from_rows(m.as_catalog_row() for m in Medication.objects.all())


def thresholds() -> screening.Thresholds:
    return screening.Thresholds.from_mapping(settings.SCREENING_THRESHOLDS)


def find_in_catalog(known, typed: str):
    # The picker offers "Generic (Brand, Brand)"; people also type either name alone.
    return screening.find_medication(known, typed) or screening.find_medication(known, typed.split("(")[0])


def _policy_row(key: str) -> PayerPolicy | None:
    return PayerPolicy.objects.filter(key=key).first()


def policies_for(*, carrier: str) -> dict[str, tuple[Policy, int | None]]:
    """(policy, revision) per treatment for an insurance carrier's name, or the clinic's defaults.

    The clinic's own TMS default takes the SCREENING_THRESHOLDS overrides; a payer's never does.
    Before the policies are loaded into the database, the shipped file stands in (revision None).
    """
    mapping = None
    if carrier.strip():
        mapping = (
            CarrierPolicy.objects.filter(carrier__iexact=carrier.strip())
            .select_related("tms_policy", "spravato_policy")
            .first()
        )
    chosen = {}
    for treatment in (TMS, SPRAVATO):
        row = getattr(mapping, f"{treatment}_policy", None) if mapping else None
        row = row or _policy_row(DEFAULT_POLICY_IDS[treatment])
        if row is not None:
            policy, revision = row.policy(), row.revision
        else:
            policy, revision = screening.default_policies()[DEFAULT_POLICY_IDS[treatment]], None
        if policy.id == DEFAULT_POLICY_IDS[TMS]:
            policy = policy.with_overrides(thresholds().clinic_tms_overrides(), why="SCREENING_THRESHOLDS setting")
        chosen[treatment] = (policy, revision)
    return chosen


def _safety_answer(value):
    """Stored answers: True, False, "not_sure"; anything else is "not answered"."""
    return value if value is True or value is False or value == NOT_SURE else None


def _trial(trial, known) -> screening.Trial:
    med = None
    if trial.medication:
        med = known.get(trial.medication.generic.lower())
    if med is None:
        # Typed in before the catalog knew the name: look again, the catalog may know it now.
        med = find_in_catalog(known, trial.name_given)
    dose = float(trial.max_daily_dose) if trial.max_daily_dose is not None else None
    if dose is not None and med is not None and trial.dose_unit != med.dose_unit:
        # Saved in the unit the catalog had then; the rules read the catalog's unit now.
        dose = dose * 1000 if (trial.dose_unit, med.dose_unit) == ("mg", "mcg") else dose / 1000
    components = {}
    if med is not None and len(med.components) == 1 and trial.component_dose is not None:
        components = {med.components[0]: float(trial.component_dose)}
    return screening.Trial(
        medication_key=med.key if med else None,
        other_name=trial.name_given,
        max_daily_dose=dose,
        weeks_at_dose=trial.weeks_at_dose,
        response=screening.Response(trial.response) if trial.response else None,
        stop_reason=screening.StopReason(trial.stop_reason) if trial.stop_reason else None,
        current_episode={"yes": True, "no": False}.get(trial.current_episode),
        component_doses=components,
    )


def intake_answers(intake: Intake, known: dict) -> screening.IntakeAnswers:
    phq9 = intake.phq9 if len(intake.phq9 or []) == PHQ9_ITEM_COUNT else None
    stored = intake.safety or {}
    return screening.IntakeAnswers(
        diagnosis=intake.diagnosis or None,
        episode_months=Intake.EPISODE_MONTHS.get(intake.episode_length),
        trials=[_trial(trial, known) for trial in intake.trials.select_related("medication")],
        psychotherapy_tried=intake.psychotherapy_tried,
        psychotherapy_weeks=Intake.THERAPY_WEEKS.get(intake.psychotherapy_length),
        psychotherapy_kind=intake.psychotherapy_kind or None,
        prior_ect=intake.prior_ect,
        prior_tms=intake.prior_tms,
        prior_ketamine_or_esketamine=intake.prior_ketamine,
        phq9=phq9,
        safety={key: _safety_answer(stored.get(key)) for key in QUESTIONS_BY_KEY},
        date_of_birth=intake.request.date_of_birth,
    )


def intake_screen(
    *, intake: Intake, known: dict | None = None, today: date | None = None
) -> screening.ScreeningSummary:
    """Recompute and store the summary (after every step, a clearance, or a catalog or policy edit)."""
    known = known or catalog()
    chosen = policies_for(carrier=intake.request.insurance_carrier)
    cleared = {
        c.key: screening.Clearance(by=c.cleared_by_name, note=c.note)
        for c in ContraindicationClearance.objects.filter(intake=intake)
    }
    summary = screening.screen(
        answers=intake_answers(intake, known),
        catalog=known,
        tms_policy=chosen[TMS][0],
        spravato_policy=chosen[SPRAVATO][0],
        settings=thresholds().settings(),
        cleared=cleared,
        today=today or timezone.localdate(),
    )
    data = summary.to_dict()
    for treatment in (TMS, SPRAVATO):
        data[treatment]["policy"]["revision"] = chosen[treatment][1]
    complete_phq9 = summary.phq9 if summary.phq9 and summary.phq9.complete else None
    Intake.objects.filter(pk=intake.pk).update(
        screening=data,
        screening_version=summary.version,
        phq9_total=complete_phq9.total if complete_phq9 else None,
        phq9_band=complete_phq9.band_label if complete_phq9 else "",
        tms_outcome=summary.tms.outcome,
        spravato_outcome=summary.spravato.outcome,
        tms_policy_key=summary.tms.policy["id"],
        tms_policy_revision=chosen[TMS][1],
        spravato_policy_key=summary.spravato.policy["id"],
        spravato_policy_revision=chosen[SPRAVATO][1],
        has_contraindication=bool(summary.tms.contraindications or summary.spravato.contraindications),
        has_safety_flags=bool(summary.safety_flags),
    )
    return summary


def screenings_recompute(*, only_outdated: bool = False) -> int:
    """Recompute stored summaries: all of them (after a catalog or policy edit), or only those
    written by older rules (on every start, so a new SUMMARY_VERSION applies once)."""
    intakes = Intake.objects.select_related("request")
    if only_outdated:
        intakes = intakes.exclude(screening_version=screening.SUMMARY_VERSION)
    known = catalog()
    count = 0
    for intake in intakes.iterator():
        intake_screen(intake=intake, known=known)
        count += 1
    return count


def screenings_recompute_later() -> None:
    """After the current transaction commits, recompute every summary in a worker."""

    def enqueue():
        try:
            current_app.tasks[RECOMPUTE_TASK].delay()
        except Exception as exc:
            # Summaries stay as they were until someone recomputes them: tell the operator how.
            logger.error(
                "Screening recompute not enqueued (%s); run manage.py recompute_screenings --all.", type(exc).__name__
            )

    transaction.on_commit(enqueue)


def contraindication_clear(
    *, intake: Intake, key: str, note: str, actor: AbstractBaseUser
) -> ContraindicationClearance:
    """A clinician clears a reported contraindication or exclusion; the summary then names them."""
    if not actor.has_perm("booking.clear_contraindication"):
        raise PermissionError("Only clinicians with the clearance permission can clear a contraindication.")
    note = note.strip()
    if not note:
        raise ValueError("Say why it is cleared (for example what the clinician found).")
    reported = {
        c["key"]
        for treatment in (TMS, SPRAVATO)
        for c in (intake.screening or {}).get(treatment, {}).get("contraindications", [])
    }
    if key not in reported:
        raise ValueError("That answer is not a reported contraindication of this intake.")
    name = actor.get_full_name() or actor.get_username()
    label = QUESTIONS_BY_KEY[key].label
    with transaction.atomic():
        clearance, created = ContraindicationClearance.objects.get_or_create(
            intake=intake, key=key, defaults={"note": note, "cleared_by": actor, "cleared_by_name": name}
        )
        if not created:
            raise ValueError("This contraindication is already cleared.")
        RequestEvent.objects.create(
            request=intake.request,
            actor=actor,
            kind=RequestEvent.Kind.CLEARANCE,
            text=f"{label}: cleared by {name}. {note}",
        )
        audit_record(
            actor=actor, action=AuditEvent.Action.CHANGE, obj=intake.request, summary="Contraindication cleared"
        )
        intake_screen(intake=intake)
    return clearance
