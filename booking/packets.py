"""The prior-authorization packet: the intake turned into what a payer's reviewer reads, under one
policy, with staff corrections applied and marked as staff-entered.

Read-only: nothing here writes (staff entries go through booking.services.packets). The
checklist is the screening rules' own result under the chosen policy, so the packet and the
screening summary can never disagree.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from string import Template

from django.utils import timezone

from booking import screening
from booking.models import (
    ConsultationRequest,
    ContraindicationClearance,
    Intake,
    LetterTemplate,
    PacketDetails,
    PayerPolicy,
)
from booking.policies import Policy
from booking.safety_questions import NOT_SURE, questions_for
from booking.services import screening as screening_services

TREATMENTS = {"tms": "TMS (transcranial magnetic stimulation)", "spravato": "SPRAVATO (esketamine) nasal spray"}

# The placeholders a clinic can use in its letter template.
LETTER_FIELDS = (
    "patient_name",
    "date_of_birth",
    "reference",
    "treatment",
    "policy",
    "diagnosis",
    "phq9",
    "trials",
    "counted_trials",
    "psychotherapy",
    "treating_clinician",
    "today",
)

DEFAULT_LETTERS = {
    key: Template(
        """To the utilization review team,

I am requesting prior authorization of $treatment for $patient_name (date of birth $date_of_birth), \
reviewed under $policy.

Diagnosis: $diagnosis.
Current severity: $phq9.

Antidepressant trials in the record ($counted_trials counted under this policy):
$trials

Psychotherapy: $psychotherapy

[The treating clinician states here, in their own words, why this treatment is medically necessary \
for this patient now, and confirms each fact above against the medical record.]

$treating_clinician
$today"""
    ).template
    for key in TREATMENTS
}


@dataclass(frozen=True)
class PacketTrial:
    medicine: str
    drug_class: str
    dose: str
    when: str
    response: str
    stop_reason: str
    current_episode: str
    counts: bool | None
    why: str
    staff_entered: tuple[str, ...] = ()
    confirmed_from: str = ""


@dataclass(frozen=True)
class Packet:
    request: ConsultationRequest
    treatment: str
    treatment_label: str
    policy: dict
    result: screening.TreatmentResult
    phq9: screening.Phq9Result | None
    phq9_items: list[tuple[str, int | None]]
    phq9_date: date | None
    trials: list[PacketTrial]
    psychotherapy: str
    other_treatments: list[tuple[str, str]]
    safety: list[tuple[str, str]]
    details: PacketDetails
    letter: str
    generated_at: object
    disclaimer: str = screening.DISCLAIMER
    staff_entered_count: int = field(default=0)

    @property
    def filename(self) -> str:
        # The reference code only: a file name is seen by anyone who sees the download list.
        return f"prior-authorization-{self.request.reference}-{self.treatment}.pdf"


def policies_for(treatment: str) -> dict[str, Policy]:
    """The policies staff may choose for a packet of this treatment (as edited in the admin)."""
    rows = PayerPolicy.objects.filter(treatment=treatment)
    if rows.exists():
        return {row.key: row.policy() for row in rows}
    return {key: p for key, p in screening.default_policies().items() if p.treatment == treatment}


def _request_policy(request: ConsultationRequest, treatment: str) -> Policy:
    """The policy the request's screening uses: its carrier's, or the clinic's default."""
    return screening_services.policies_for(carrier=request.insurance_carrier)[treatment][0]


def _yes_no(value) -> str:
    return {True: "Yes", False: "No", NOT_SURE: "Not sure"}.get(value, "Not answered")


def _number(value) -> str:
    return format(Decimal(value).normalize(), "f") if value is not None else ""


def _corrected(trial, answer: screening.Trial) -> tuple[screening.Trial, tuple[str, ...], str]:
    """The trial with the staff correction applied, the fields staff entered, and their source."""
    correction = getattr(trial, "correction", None)
    if correction is None:
        return answer, (), ""
    changes, entered = {}, []
    if correction.max_daily_dose is not None:
        changes["max_daily_dose"] = float(correction.max_daily_dose)
        changes["max_daily_dose_mg"] = None
        entered.append("dose")
    if correction.weeks_at_dose is not None:
        changes["weeks_at_dose"] = correction.weeks_at_dose
        entered.append("weeks")
    elif correction.started_on and correction.ended_on and correction.ended_on > correction.started_on:
        changes["weeks_at_dose"] = (correction.ended_on - correction.started_on).days // 7
        entered.append("weeks")
    if correction.started_on or correction.ended_on:
        entered.append("dates")
    if correction.current_episode is not None:
        changes["current_episode"] = correction.current_episode
        entered.append("current episode")
    if correction.stopped_for_side_effects is not None:
        changes["stop_reason"] = (
            screening.StopReason.SIDE_EFFECTS if correction.stopped_for_side_effects else answer.stop_reason
        )
        entered.append("stopped for side effects")
    return replace(answer, **changes), tuple(entered), correction.source


def packet_build(*, request: ConsultationRequest, treatment: str, policy_id: str | None = None) -> Packet:
    """Assemble the packet for ``treatment`` under ``policy_id`` (or the request's default).

    Raises LookupError when the request has no intake or the policy is not one for this treatment.
    """
    if treatment not in TREATMENTS:
        raise LookupError(f"Unknown treatment {treatment!r}.")
    intake = Intake.objects.filter(request=request).first()
    if intake is None:
        raise LookupError("This request has no treatment history yet.")
    if policy_id:
        policy = policies_for(treatment).get(policy_id)
        if policy is None:
            raise LookupError("That policy does not apply to this treatment.")
        if policy.id == _request_policy(request, treatment).id:
            policy = _request_policy(request, treatment)  # with the clinic's settings applied, as screened
    else:
        policy = _request_policy(request, treatment)

    known = screening_services.catalog()
    answers = screening_services.intake_answers(intake, known)
    trial_objects = list(intake.trials.select_related("medication", "correction"))
    corrected, entered = [], []
    for trial, answer in zip(trial_objects, answers.trials, strict=True):
        fixed, fields_entered, source = _corrected(trial, answer)
        corrected.append(fixed)
        entered.append((fields_entered, source))
    answers = replace(answers, trials=corrected)
    settings = screening_services.thresholds().settings()
    assessments = [screening.assess_trial(t, known, settings) for t in answers.trials]
    phq9 = screening.score_phq9(answers.phq9) if answers.phq9 is not None else None
    cleared = {
        c.key: screening.Clearance(by=c.cleared_by_name, note=c.note)
        for c in ContraindicationClearance.objects.filter(intake=intake)
    }
    result = screening.evaluate(
        answers=answers, assessments=assessments, policy=policy, phq9=phq9, cleared=cleared, today=timezone.localdate()
    )

    rows_by_medicine: dict[str, list[screening.TrialRow]] = {}
    for row in result.trial_rows:
        rows_by_medicine.setdefault(row.medicine, []).append(row)
    trials = []
    for trial, answer, assessment, (fields_entered, source) in zip(
        trial_objects, answers.trials, assessments, entered, strict=True
    ):
        rows = [r for e in assessment.exposures for r in rows_by_medicine.get(e.agent, [])] or rows_by_medicine.get(
            assessment.medicine, []
        )
        counts = (
            True
            if any(r.counts for r in rows)
            else (None if any(r.counts is None for r in rows) or not rows else False)
        )
        correction = getattr(trial, "correction", None)
        unit = trial.medication.dose_unit if trial.medication else trial.dose_unit
        dose = answer.dose
        when = trial.when_taken or ""
        if correction and (correction.started_on or correction.ended_on):
            when = f"{correction.started_on or '?'} to {correction.ended_on or '?'}"
        trials.append(
            PacketTrial(
                medicine=trial.name_given + (f" ({trial.medication.generic})" if trial.medication else ""),
                drug_class=assessment.drug_class or "not in the catalog",
                dose=f"{_number(dose)} {unit} a day" if dose is not None else "not given",
                when=" · ".join(
                    p for p in [when, f"{answer.weeks_at_dose:g} weeks" if answer.weeks_at_dose else ""] if p
                )
                or "not given",
                response=trial.get_response_display() or "Not answered",
                stop_reason=(
                    "Side effects"
                    if answer.stop_reason == screening.StopReason.SIDE_EFFECTS
                    else (trial.get_stop_reason_display() or "Not answered")
                ),
                current_episode=_yes_no(answer.current_episode),
                counts=counts,
                why=" ".join(r.why for r in rows) or assessment.reason,
                staff_entered=fields_entered,
                confirmed_from=source,
            )
        )

    details, _ = PacketDetails.objects.get_or_create(request=request)
    items = list(zip(screening.PHQ9_ITEMS, intake.phq9 or [None] * 9, strict=False))
    psychotherapy = (
        "Not answered"
        if intake.psychotherapy_tried is None
        else (
            "None reported"
            if not intake.psychotherapy_tried
            else ", ".join(p for p in [intake.psychotherapy_kind, intake.get_psychotherapy_length_display()] if p)
            or "Yes (kind and length not given)"
        )
    )
    packet = Packet(
        request=request,
        treatment=treatment,
        treatment_label=TREATMENTS[treatment],
        policy=result.policy,
        result=result,
        phq9=phq9,
        phq9_items=items,
        phq9_date=intake.updated_at.date() if phq9 else None,
        trials=trials,
        psychotherapy=psychotherapy,
        other_treatments=[
            ("ECT", _yes_no(intake.prior_ect)),
            ("TMS", _yes_no(intake.prior_tms)),
            ("Ketamine or esketamine", _yes_no(intake.prior_ketamine)),
        ],
        safety=[
            (question.label, _yes_no((intake.safety or {}).get(question.key))) for question in questions_for(treatment)
        ],
        details=details,
        letter="",
        generated_at=timezone.now(),
        staff_entered_count=sum(1 for t in trials if t.staff_entered),
    )
    return replace(packet, letter=_letter(packet, intake))


def _letter(packet: Packet, intake: Intake) -> str:
    stored = LetterTemplate.objects.filter(treatment=packet.treatment).first()
    body = stored.body if stored else DEFAULT_LETTERS[packet.treatment]
    request = packet.request
    phq9 = packet.phq9
    values = {
        "patient_name": f"{request.first_name} {request.last_name}",
        "date_of_birth": f"{request.date_of_birth:%B} {request.date_of_birth.day}, {request.date_of_birth.year}",
        "reference": request.reference,
        "treatment": packet.treatment_label,
        "policy": f"{packet.policy.get('title')} ({packet.policy.get('version') or 'current version'})",
        "diagnosis": packet.details.diagnosis_code
        or (intake.get_diagnosis_display() if intake.diagnosis else "as documented by the treating clinician"),
        "phq9": f"PHQ-9 total {phq9.total} ({phq9.band_label}) on {packet.phq9_date}"
        if phq9 and phq9.complete
        else "PHQ-9 not complete",
        "trials": "\n".join(
            f"- {t.medicine}: {t.dose}, {t.when}; response: {t.response.lower()}; stopped: {t.stop_reason.lower()}"
            for t in packet.trials
        )
        or "- none recorded",
        "counted_trials": str(packet.result.counted_trials),
        "psychotherapy": packet.psychotherapy,
        "treating_clinician": " ".join(
            p for p in [packet.details.treating_clinician, packet.details.treating_credentials] if p
        )
        or "[treating clinician, credentials]",
        "today": f"{timezone.localdate():%B} {timezone.localdate().day}, {timezone.localdate().year}",
    }
    return Template(body).safe_substitute(values)
