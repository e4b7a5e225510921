"""Screening rules for the treatment-history intake: pure Python, no Django.

The summary built here is a screening aid for staff. It is not a diagnosis or an eligibility
decision; a clinician decides. Each treatment gets one outcome under one policy:

- ``likely_met``: every criterion of the policy is met and no contraindication or exclusion is
  reported (or a clinician cleared it, and the label names who).
- ``not_yet_met``: at least one criterion is known to be unmet; the items name what is missing.
- ``contraindication``: a contraindication (or an exclusion of the chosen policy) is reported
  and no clinician has cleared it. Never shown as likely met.
- ``cannot_tell``: nothing is known to fail, but answers needed to decide are missing (each is
  named), including a contraindication question answered "not sure".

Sources: the criteria and their citations are in booking/data/policies.json (booking/policies.py),
the safety questions in booking/safety_questions.py, the doses in booking/data/medications.csv
(booking/catalog.py). PHQ-9: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief
depression severity measure. J Gen Intern Med. 2001;16(9):606-613.
doi:10.1046/j.1525-1497.2001.016009606.x (items, 0-3 answers, bands 0-4, 5-9, 10-14, 15-19, 20-27).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from enum import Enum
from typing import Any

from booking.catalog import (  # noqa: F401  (re-exported: callers import these from here)
    CATALOG_FIELDS,
    DEFAULT_CATALOG_PATH,
    DOSE_UNITS,
    DRUG_CLASSES,
    NOT_ORAL_ANTIDEPRESSANTS,
    Medication,
    catalog_from_rows,
    find_medication,
    load_catalog,
)
from booking.policies import DEFAULT_POLICY_IDS, Policy, load_policies
from booking.safety_questions import (
    CONTRAINDICATION,
    NOT_SURE,
    QUESTIONS_BY_KEY,
    SAFETY_QUESTIONS,
    SPRAVATO,
    TMS,
    questions_for,
)

# Bump when the rules or the shape of to_dict() change, so stored summaries can be recomputed.
# 2: outcomes per treatment under a named policy; per-trial rows; safety questions table.
SUMMARY_VERSION = 2

DISCLAIMER = "This is a screening aid for staff. It is not a diagnosis or an eligibility decision; a clinician decides."

# The keys the intake form asked before it was built from SAFETY_QUESTIONS (which adds psychosis,
# esketamine or ketamine allergy, heart or brain vessel disease); kept for older callers. An intake
# saved before then has the new answers "not answered", so SPRAVATO reads "cannot tell" for it.
TMS_SAFETY_KEYS = ("metal_in_head", "implanted_device", "seizure_history", "serious_head_injury")
SPRAVATO_SAFETY_KEYS = (
    "aneurysm_or_avm",
    "brain_bleed_history",
    "high_blood_pressure",
    "pregnant_or_breastfeeding",
    "substance_use",
    "has_ride_home",
)
SAFETY_LABELS = {q.key: q.label for q in SAFETY_QUESTIONS}

LIKELY_MET = "likely_met"
NOT_YET_MET = "not_yet_met"
CONTRAINDICATION_OUTCOME = "contraindication"
CANNOT_TELL = "cannot_tell"
OUTCOMES = (LIKELY_MET, NOT_YET_MET, CONTRAINDICATION_OUTCOME, CANNOT_TELL)
OUTCOME_LABELS = {
    LIKELY_MET: "Criteria likely met",
    NOT_YET_MET: "Criteria not yet met",
    CONTRAINDICATION_OUTCOME: "Contraindication reported — a clinician must clear it first",
    CANNOT_TELL: "Cannot tell yet",
}


# ---------------------------------------------------------------------------------------------
# Clinic settings (not a payer's figures)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicSettings:
    """Figures the clinic chooses. The weeks rule differs between instruments, so it is a setting
    that names its source: ATHF-SF counts a trial of at least 4 weeks; MGH-ATRQ uses 6 weeks
    (8 in some versions)."""

    min_weeks_adequate: float = 6
    weeks_source: str = "MGH-ATRQ (6 weeks); clinic setting"

    def __post_init__(self):
        value = self.min_weeks_adequate
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"min_weeks_adequate must be a number of 0 or more, not {value!r}.")
        if not self.weeks_source.strip():
            raise ValueError("weeks_source must name where the weeks rule comes from.")


@dataclass(frozen=True)
class Thresholds:
    """The older SCREENING_THRESHOLDS setting, still accepted.

    ``min_weeks_adequate`` becomes ClinicSettings.min_weeks_adequate; the TMS figures override the
    clinic's own default TMS policy (never a payer's). The SPRAVATO count is the label's and
    cannot be changed here.
    """

    min_failed_trials_tms: int = 2
    min_classes_tms: int = 2
    min_weeks_adequate: float = 6
    require_psychotherapy_tms: bool = True
    min_phq9_tms: int = 15
    min_failed_trials_spravato: int = 2

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "require_psychotherapy_tms":
                if not isinstance(value, bool):
                    raise ValueError(f"Threshold {f.name} must be true or false, not {value!r}.")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"Threshold {f.name} must be a number of 0 or more, not {value!r}.")
        if self.min_failed_trials_spravato != 2:
            raise ValueError("min_failed_trials_spravato comes from the SPRAVATO label (two) and cannot be changed.")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> Thresholds:
        """Build from a settings dict; a misspelt key is an error rather than a silent default."""
        mapping = dict(mapping or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValueError(
                f"Unknown screening threshold(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(known))}."
            )
        return cls(**mapping)

    def settings(self) -> ClinicSettings:
        if self.min_weeks_adequate == 6:
            return ClinicSettings()
        return ClinicSettings(min_weeks_adequate=self.min_weeks_adequate, weeks_source="SCREENING_THRESHOLDS setting")

    def clinic_tms_overrides(self) -> dict[str, Any]:
        wanted = {
            "min_failed_trials": int(self.min_failed_trials_tms),
            "min_classes": int(self.min_classes_tms),
            "psychotherapy_required": self.require_psychotherapy_tms,
            "min_phq9": int(self.min_phq9_tms),
        }
        defaults = Thresholds()
        default_values = {
            "min_failed_trials": defaults.min_failed_trials_tms,
            "min_classes": defaults.min_classes_tms,
            "psychotherapy_required": defaults.require_psychotherapy_tms,
            "min_phq9": defaults.min_phq9_tms,
        }
        return {k: v for k, v in wanted.items() if v != default_values[k]}


# ---------------------------------------------------------------------------------------------
# PHQ-9
# ---------------------------------------------------------------------------------------------

PHQ9_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
    "or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

PHQ9_CHOICES = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)

# (lowest total, key, label); each band runs up to the next one's lowest total minus one.
PHQ9_BANDS = (
    (0, "minimal", "Minimal"),
    (5, "mild", "Mild"),
    (10, "moderate", "Moderate"),
    (15, "moderately_severe", "Moderately severe"),
    (20, "severe", "Severe"),
)


@dataclass(frozen=True)
class Phq9Result:
    total: int
    band: str | None  # None while any item is unanswered
    band_label: str
    item9_positive: bool  # any answer above 0 on item 9 needs same-day follow-up
    complete: bool


def phq9_band(total: int) -> tuple[str, str]:
    if not 0 <= total <= 27:
        raise ValueError(f"A PHQ-9 total runs from 0 to 27, not {total}.")
    key, label = PHQ9_BANDS[0][1:]
    for lowest, band_key, band_label in PHQ9_BANDS:
        if total >= lowest:
            key, label = band_key, band_label
    return key, label


def score_phq9(answers: Sequence[int | None]) -> Phq9Result:
    """Score nine answers of 0-3. An item left as None (a half-saved intake) makes the result incomplete.

    Raises ValueError for anything else: a wrong number of answers, or an answer that is not 0-3.
    """
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError("PHQ-9 answers must be a list of nine answers.")
    if len(answers) != len(PHQ9_ITEMS):
        raise ValueError(f"PHQ-9 needs exactly nine answers, got {len(answers)}.")
    for number, answer in enumerate(answers, start=1):
        if answer is None:
            continue
        # bool is an int in Python; True is not an answer.
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 3:
            raise ValueError(f"PHQ-9 item {number}: answer must be 0, 1, 2 or 3, not {answer!r}.")
    given = [a for a in answers if a is not None]
    total = sum(given)
    complete = len(given) == len(PHQ9_ITEMS)
    item9 = answers[8]
    if complete:
        band, band_label = phq9_band(total)
    else:
        band, band_label = None, "Incomplete"
    return Phq9Result(
        total=total,
        band=band,
        band_label=band_label,
        item9_positive=item9 is not None and item9 > 0,
        complete=complete,
    )


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


class Response(Enum):
    NONE = "none"
    LITTLE = "little"
    A_LOT = "a_lot"


class StopReason(Enum):
    NO_HELP = "no_help"
    SIDE_EFFECTS = "side_effects"
    COST = "cost"
    OTHER = "other"
    STILL_TAKING = "still_taking"


@dataclass
class Trial:
    medication_key: str | None = None  # generic key in the catalog; None when typed in as "other"
    other_name: str = ""
    # The highest daily dose, in the catalog's dose_unit for this medicine (liothyronine: mcg).
    # max_daily_dose_mg is the older name, kept for callers that still pass it.
    max_daily_dose_mg: float | None = None
    weeks_at_dose: float | None = None
    response: Response | None = None
    stop_reason: StopReason | None = None
    current_episode: bool | None = None  # taken during the current episode? None: not answered
    max_daily_dose: float | None = None
    # For a combination product: the daily dose of each antidepressant component, by generic key.
    component_doses: Mapping[str, float] = field(default_factory=dict)

    @property
    def dose(self) -> float | None:
        return self.max_daily_dose if self.max_daily_dose is not None else self.max_daily_dose_mg


@dataclass(frozen=True)
class Clearance:
    """A clinician's clearance of one reported contraindication or exclusion."""

    by: str
    note: str = ""

    def __post_init__(self):
        if not self.by.strip():
            raise ValueError("A clearance names the clinician who gave it.")


DIAGNOSES = ("major_depression", "bipolar", "other", "not_sure")


@dataclass
class IntakeAnswers:
    diagnosis: str | None = None  # one of DIAGNOSES, as a clinician told the patient
    episode_months: int | None = None
    trials: list[Trial] = field(default_factory=list)
    psychotherapy_tried: bool | None = None
    psychotherapy_weeks: int | None = None
    psychotherapy_kind: str | None = None
    prior_ect: bool | None = None
    prior_tms: bool | None = None
    prior_ketamine_or_esketamine: bool | None = None
    phq9: list[int | None] | None = None
    # safety question key -> True (yes), False (no), "not_sure"; absent or None: not answered
    safety: dict[str, bool | str | None] = field(default_factory=dict)
    date_of_birth: date | None = None


def age_on(dob: date, today: date) -> int:
    """Whole years between a date of birth and a reference date (a birthday counts on the day)."""
    if today < dob:
        raise ValueError("The reference date is before the date of birth.")
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


# ---------------------------------------------------------------------------------------------
# Trials
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exposure:
    """One medicine taken in a trial: the product itself, or one component of a combination."""

    agent: str  # generic key
    drug_class: str
    counts_as_oral_antidepressant: bool
    adequate: bool | None
    reason: str


@dataclass(frozen=True)
class TrialAssessment:
    adequate: bool | None  # of the product itself; None means "cannot tell"
    failed: bool | None  # did not help enough (none or a little); None when not answered
    drug_class: str | None
    counts_as_oral_antidepressant: bool
    reason: str
    medicine: str = ""
    medication_key: str | None = None
    intolerant: bool = False  # stopped because of side effects
    current_episode: bool | None = None
    exposures: list[Exposure] = field(default_factory=list)


def _fmt(number: float) -> str:
    return f"{number:g}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _trial_name(trial: Trial) -> str:
    return (trial.other_name or trial.medication_key or "").strip() or "an unnamed medicine"


def _adequacy(med: Medication, dose: float | None, weeks: float | None, settings: ClinicSettings):
    """(adequate, verdict) for one medicine at one dose and length."""
    unit = med.dose_unit
    problems: list[str] = []
    missing: list[str] = []
    minimum = med.min_adequate_daily_dose
    need_weeks = settings.min_weeks_adequate
    if med.fixed_course_days is not None and med.fixed_course_days / 7 < need_weeks:
        problems.append(
            f"a fixed {med.fixed_course_days}-day course cannot meet a {_fmt(need_weeks)}-week rule "
            f"({settings.weeks_source})"
        )
    if minimum is None:
        missing.append(f"no verified minimum dose on file for {med.generic}")
    if dose is None:
        missing.append(f"dose of {med.generic} not given")
    elif minimum is not None and dose < minimum:
        problems.append(f"{_fmt(dose)} {unit} a day is below the minimum of {_fmt(minimum)} {unit}")
    if med.fixed_course_days is None:
        if weeks is None:
            missing.append("weeks not given")
        elif weeks < need_weeks:
            problems.append(f"{_fmt(weeks)} weeks is less than {_fmt(need_weeks)} weeks ({settings.weeks_source})")
    if problems:
        return False, f"Not adequate: {'; '.join(problems)}."
    if missing:
        return None, f"Cannot tell: {'; '.join(missing)}."
    return True, (
        f"Adequate: {_fmt(dose)} {unit} a day for {_fmt(weeks)} weeks "
        f"(minimum {_fmt(minimum)} {unit} for {_fmt(need_weeks)} weeks, {settings.weeks_source})."
    )


def assess_trial(
    trial: Trial, catalog: Mapping[str, Medication], settings: ClinicSettings | Thresholds | None = None
) -> TrialAssessment:
    """Adequacy of one trial and of each component it contains; policies decide what counts."""
    if isinstance(settings, Thresholds):
        settings = settings.settings()
    settings = settings or ClinicSettings()
    failed = None if trial.response is None else trial.response in (Response.NONE, Response.LITTLE)
    intolerant = trial.stop_reason is StopReason.SIDE_EFFECTS
    outcome = {
        None: "How much it helped: not answered.",
        True: "It did not help enough.",
        False: "It helped a lot.",
    }[failed]
    if intolerant:
        outcome += " Stopped because of side effects."
    med = catalog.get((trial.medication_key or "").strip().lower()) if trial.medication_key else None
    if med is None:
        # Only the catalog knows a medicine's class and minimum dose; staff classify the rest.
        return TrialAssessment(
            adequate=None,
            failed=failed,
            drug_class=None,
            counts_as_oral_antidepressant=False,
            reason=f"Cannot tell: medicine not in the catalog: {_trial_name(trial)}. {outcome}",
            medicine=_trial_name(trial),
            intolerant=intolerant,
            current_episode=trial.current_episode,
        )

    adequate, verdict = _adequacy(med, trial.dose, trial.weeks_at_dose, settings)
    exposures = [Exposure(med.key, med.drug_class, med.counts_as_oral_antidepressant, adequate, verdict)]
    parts = [f"{med.generic.capitalize()} ({med.drug_class}).", verdict, outcome]
    for key in med.components:
        component = catalog[key]
        c_adequate, c_verdict = _adequacy(component, trial.component_doses.get(key), trial.weeks_at_dose, settings)
        exposures.append(
            Exposure(
                component.key, component.drug_class, component.counts_as_oral_antidepressant, c_adequate, c_verdict
            )
        )
        parts.append(f"Contains {component.generic} ({component.drug_class}), also a trial of it: {c_verdict}")
    if med.augmentation:
        parts.append("Augmentation medicine: recorded, but not counted as an oral antidepressant trial.")
    elif not med.counts_as_oral_antidepressant:
        parts.append("Not an oral antidepressant: recorded, but not counted toward the oral trial counts.")
    return TrialAssessment(
        adequate=adequate,
        failed=failed,
        drug_class=med.drug_class,
        counts_as_oral_antidepressant=med.counts_as_oral_antidepressant,
        reason=" ".join(parts),
        medicine=med.generic,
        medication_key=med.key,
        intolerant=intolerant,
        current_episode=trial.current_episode,
        exposures=exposures,
    )


@dataclass(frozen=True)
class TrialRow:
    """Whether one medicine of one trial counts under one policy, and why."""

    medicine: str
    agent: str | None
    drug_class: str | None
    counts: bool | None  # None: cannot tell yet
    why: str


def _trial_rows(assessments: list[TrialAssessment], policy: Policy) -> list[TrialRow]:
    intolerance_counts = bool(policy.get("intolerance_counts", False))
    current_only = bool(policy.get("current_episode_only", False))
    rows = []
    for a in assessments:
        if not a.exposures:
            rows.append(TrialRow(a.medicine, None, None, None, "Not in the catalog: staff classify it to count it."))
            continue
        for e in a.exposures:
            name = e.agent
            if not e.counts_as_oral_antidepressant:
                rows.append(TrialRow(name, e.agent, e.drug_class, False, "Not an oral antidepressant trial."))
                continue
            if current_only and a.current_episode is False:
                rows.append(
                    TrialRow(
                        name,
                        e.agent,
                        e.drug_class,
                        False,
                        "Taken in a past episode; this policy counts only trials of the current episode.",
                    )
                )
                continue
            episode_unknown = current_only and a.current_episode is None
            if a.intolerant and intolerance_counts:
                counts, why = True, "Stopped for side effects: counts as intolerance under this policy."
            elif e.adequate is False:
                counts, why = False, e.reason
            elif a.failed is False:
                counts, why = False, "It helped a lot: not a failed trial."
            elif e.adequate is True and a.failed is True:
                counts, why = True, "Adequate and did not help enough."
            else:
                counts = None
                why = e.reason if e.adequate is None else "How much it helped: not answered."
                if a.intolerant:
                    why += " Stopped for side effects, which this policy does not count as a failed trial by itself."
            if episode_unknown and counts is not False:
                counts = None
                why = "Cannot tell: whether it was taken in the current episode is not answered. " + why
            rows.append(TrialRow(name, e.agent, e.drug_class, counts, why))
    return rows


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedContraindication:
    key: str
    label: str
    answer: str
    kind: str  # "contraindication" (label or clinic) or "exclusion" (of this policy)
    why: str
    source: str
    cleared_by: str = ""
    clearance_note: str = ""


@dataclass(frozen=True)
class TreatmentResult:
    treatment: str
    outcome: str  # one of OUTCOMES
    outcome_label: str
    reason: str
    met: list[str]
    unmet: list[str]
    missing: list[str]
    needs_review: list[str]
    contraindications: list[ReportedContraindication]  # reported and not cleared
    cleared: list[ReportedContraindication]
    policy: dict[str, Any]
    trial_rows: list[TrialRow]
    counted_trials: int
    counted_classes: list[str]
    safety_flags: list[str]

    @property
    def likely_met(self) -> bool:
        return self.outcome == LIKELY_MET


def _answer_text(answer: Any) -> str:
    return {True: "yes", False: "no", NOT_SURE: "not sure"}.get(answer, "not answered")


def _criteria_items(answers: IntakeAnswers, policy: Policy, rows: list[TrialRow], phq9, today: date | None):
    met: list[str] = []
    unmet: list[str] = []
    missing: list[str] = []
    review: list[str] = []

    diagnosis = answers.diagnosis
    if diagnosis == policy.get("diagnosis"):
        met.append("Diagnosis: major depression, as told by a clinician.")
    elif diagnosis is None:
        missing.append("Diagnosis: not answered.")
    elif diagnosis == "not_sure":
        missing.append("Diagnosis: the patient is not sure; a clinician confirms it.")
    elif diagnosis == "bipolar":
        unmet.append("Diagnosis: major depression not reported (bipolar disorder reported).")
        review.append("Bipolar disorder reported: needs clinician review.")
    else:
        unmet.append(f"Diagnosis: major depression not reported ({diagnosis.replace('_', ' ')}).")

    min_age, max_age = policy.get("min_age"), policy.get("max_age")
    if min_age is not None or max_age is not None:
        if answers.date_of_birth is None or today is None:
            missing.append("Age: date of birth not given.")
        else:
            age = age_on(answers.date_of_birth, today)
            if min_age is not None and age < min_age:
                unmet.append(f"Age: {age} (needs {min_age} or older).")
            elif max_age is not None and age > max_age:
                unmet.append(f"Age: {age} (needs {max_age} or younger).")
            else:
                met.append(f"Age: {age}.")

    counted = {r.agent: r for r in rows if r.counts is True and r.agent}
    unknown = [r for r in rows if r.counts is None]
    unknown_agents = {r.agent or f"?{i}" for i, r in enumerate(unknown)} - set(counted)
    n = len(counted)
    classes = sorted({r.drug_class for r in counted.values() if r.drug_class})
    need = policy.get("min_failed_trials")
    if need:
        text = f"Failed trials: {_plural(n, 'trial')} counted under this policy (needs {need})."
        if n >= need:
            met.append(text)
        elif n + len(unknown_agents) >= need:
            missing.append(text + f" {_plural(len(unknown_agents), 'trial')} cannot be judged yet.")
        else:
            unmet.append(text)
    need = policy.get("min_classes")
    if need:
        shown = ", ".join(classes) if classes else "none"
        text = f"Classes: {_plural(len(classes), 'class', 'classes')} among those trials ({shown}; needs {need})."
        possible = set(classes) | {r.drug_class or f"?{i}" for i, r in enumerate(unknown)}
        if len(classes) >= need:
            met.append(text)
        elif len(possible) >= need:
            missing.append(text + " Trials that cannot be judged yet may add a class.")
        else:
            unmet.append(text)

    if policy.get("psychotherapy_required"):
        min_weeks = policy.get("psychotherapy_min_weeks")
        weeks = answers.psychotherapy_weeks
        if answers.psychotherapy_tried is None:
            missing.append("Psychotherapy: not answered.")
        elif not answers.psychotherapy_tried:
            unmet.append("Psychotherapy: not tried.")
        elif min_weeks is not None and weeks is None:
            missing.append(f"Psychotherapy: length not given (needs {min_weeks} weeks).")
        elif min_weeks is not None and weeks < min_weeks:
            unmet.append(f"Psychotherapy: {weeks} weeks (needs {min_weeks}).")
        else:
            met.append("Psychotherapy: tried" + (f" for {weeks} weeks." if weeks is not None else "."))
            kind = (answers.psychotherapy_kind or "").strip()
            kinds = policy.psychotherapy_kinds
            if kinds and not any(k.lower() in kind.lower() for k in kinds):
                shown = kind or "not given"
                review.append(f"Psychotherapy kind: {shown}; confirm it is one this policy accepts.")

    need = policy.get("min_phq9")
    if need is not None:
        if phq9 is None:
            missing.append("PHQ-9: not answered.")
        elif not phq9.complete:
            missing.append("PHQ-9: not complete.")
        else:
            (met if phq9.total >= need else unmet).append(f"PHQ-9: {phq9.total} ({phq9.band_label}; needs {need}).")

    for r in unknown:
        review.append(f"Trial to check: {r.medicine}: {r.why}")
    return met, unmet, missing, review, n, classes


def _safety_items(answers: IntakeAnswers, policy: Policy, cleared: Mapping[str, Clearance]):
    contraindications: list[ReportedContraindication] = []
    cleared_items: list[ReportedContraindication] = []
    missing: list[str] = []
    review: list[str] = []
    flags: list[str] = []
    exclusions = {e.key: e for e in policy.exclusions}
    keys = [q.key for q in questions_for(policy.treatment)]
    keys += [k for k in exclusions if k not in keys]
    for key in keys:
        q = QUESTIONS_BY_KEY[key]
        answer = answers.safety.get(key)
        blocking = (q.kind == CONTRAINDICATION and policy.treatment in q.treatments) or key in exclusions
        if answer is None:
            (missing if blocking else review).append(f"{q.label}: not answered.")
            continue
        if answer == NOT_SURE:
            if blocking:
                missing.append(f"{q.label}: answered 'not sure'; a clinician must ask before this can be ruled out.")
            else:
                review.append(f"{q.label}: answered 'not sure'; needs clinician review.")
            continue
        if not q.raised(answer):
            continue
        flags.append(q.label)
        if not blocking:
            review.append(f"{q.label}: {q.why} Needs clinician review.")
            continue
        exclusion = exclusions.get(key)
        item = ReportedContraindication(
            key=key,
            label=q.label,
            answer=_answer_text(answer),
            kind="exclusion" if exclusion and q.kind != CONTRAINDICATION else "contraindication",
            why=exclusion.where if exclusion else q.why,
            source=policy.source.policy_id if exclusion else q.source,
        )
        clearance = cleared.get(key)
        if clearance is not None:
            cleared_items.append(
                ReportedContraindication(
                    **{**asdict(item), "cleared_by": clearance.by, "clearance_note": clearance.note}
                )
            )
        else:
            contraindications.append(item)
    return contraindications, cleared_items, missing, review, flags


def evaluate(
    *,
    answers: IntakeAnswers,
    assessments: list[TrialAssessment],
    policy: Policy,
    phq9: Phq9Result | None,
    cleared: Mapping[str, Clearance] | None = None,
    today: date | None = None,
) -> TreatmentResult:
    """The outcome of one treatment under one policy."""
    cleared = cleared or {}
    rows = _trial_rows(assessments, policy)
    met, unmet, missing, review, n, classes = _criteria_items(answers, policy, rows, phq9, today)
    contraindications, cleared_items, s_missing, s_review, flags = _safety_items(answers, policy, cleared)
    missing += s_missing
    review = s_review + review
    if phq9 is not None and phq9.item9_positive:
        review.insert(0, "PHQ-9 item 9 above 0: same-day follow-up by a clinician.")
    if policy.treatment == SPRAVATO and phq9 is not None and phq9.item9_positive:
        review.insert(
            1,
            "The label's second indication, depressive symptoms in MDD with acute suicidal ideation or behaviour, "
            "is with an oral antidepressant; a clinician assesses it, and it does not replace hospitalization.",
        )
    if policy.treatment == SPRAVATO and answers.episode_months is None:
        review.append("Length of the current episode: not answered.")

    if contraindications:
        outcome = CONTRAINDICATION_OUTCOME
        label = OUTCOME_LABELS[outcome]
        reason = f"{label}: " + "; ".join(f"{c.label} (answered {c.answer})" for c in contraindications) + "."
    elif unmet:
        outcome = NOT_YET_MET
        label = OUTCOME_LABELS[outcome]
        reason = f"{label} under {policy.source.title}: " + " ".join(unmet)
    elif missing:
        outcome = CANNOT_TELL
        label = OUTCOME_LABELS[outcome]
        reason = f"{label}: {_plural(len(missing), 'answer')} missing or unsure: " + " ".join(missing)
    else:
        outcome = LIKELY_MET
        label = OUTCOME_LABELS[outcome]
        if cleared_items:
            names = ", ".join(sorted({c.cleared_by for c in cleared_items}))
            label = f"Criteria likely met (contraindication cleared by {names})"
        reason = f"{label} under {policy.source.title}."
    if review:
        reason += f" {_plural(len(review), 'item')} for clinician review."
    return TreatmentResult(
        treatment=policy.treatment,
        outcome=outcome,
        outcome_label=label,
        reason=reason,
        met=met,
        unmet=unmet,
        missing=missing,
        needs_review=review,
        contraindications=contraindications,
        cleared=cleared_items,
        policy=policy.describe(),
        trial_rows=rows,
        counted_trials=n,
        counted_classes=classes,
        safety_flags=flags,
    )


# ---------------------------------------------------------------------------------------------
# The summary
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningSummary:
    version: int
    disclaimer: str
    phq9: Phq9Result | None
    trials: list[TrialAssessment]
    tms: TreatmentResult
    spravato: TreatmentResult
    safety_flags: list[str]  # raised safety answers (labels), each for a clinician
    urgent: bool
    settings: ClinicSettings

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for a JSONField."""
        data = asdict(self)
        for name in ("tms", "spravato"):
            data[name]["likely_met"] = getattr(self, name).likely_met
        # Older readers look for thresholds.min_weeks_adequate.
        data["thresholds"] = {"min_weeks_adequate": self.settings.min_weeks_adequate}
        return data


_POLICIES_CACHE: dict[str, Policy] | None = None


def default_policies() -> dict[str, Policy]:
    """The policies shipped in booking/data/policies.json, loaded once."""
    global _POLICIES_CACHE
    if _POLICIES_CACHE is None:
        _POLICIES_CACHE = load_policies()
    return _POLICIES_CACHE


def screen(
    *,
    answers: IntakeAnswers,
    catalog: Mapping[str, Medication],
    tms_policy: Policy,
    spravato_policy: Policy,
    settings: ClinicSettings | None = None,
    cleared: Mapping[str, Clearance] | None = None,
    today: date | None = None,
) -> ScreeningSummary:
    """Build the staff summary. Raises ValueError if the PHQ-9 answers are malformed or a policy is
    given for the wrong treatment. ``cleared`` is keyed by safety question key."""
    if tms_policy.treatment != TMS or spravato_policy.treatment != SPRAVATO:
        raise ValueError("tms_policy and spravato_policy must be TMS and SPRAVATO policies.")
    settings = settings or ClinicSettings()
    phq9 = score_phq9(answers.phq9) if answers.phq9 is not None else None
    assessments = [assess_trial(t, catalog, settings) for t in answers.trials]
    common = {"answers": answers, "assessments": assessments, "phq9": phq9, "cleared": cleared, "today": today}
    tms = evaluate(policy=tms_policy, **common)
    spravato = evaluate(policy=spravato_policy, **common)
    flags = list(dict.fromkeys(tms.safety_flags + spravato.safety_flags))
    return ScreeningSummary(
        version=SUMMARY_VERSION,
        disclaimer=DISCLAIMER,
        phq9=phq9,
        trials=assessments,
        tms=tms,
        spravato=spravato,
        safety_flags=flags,
        urgent=bool(phq9 and phq9.item9_positive),
        settings=settings,
    )


def summarize(
    answers: IntakeAnswers,
    catalog: Mapping[str, Medication],
    thresholds: Thresholds | None = None,
    *,
    tms_policy_id: str | None = None,
    spravato_policy_id: str | None = None,
    cleared: Mapping[str, Clearance] | None = None,
    today: date | None = None,
) -> ScreeningSummary:
    """The older entry point: the shipped policies, the clinic default unless an id is given,
    and the SCREENING_THRESHOLDS overrides applied to the clinic's own TMS default only."""
    thresholds = thresholds or Thresholds()
    policies = default_policies()
    tms_policy = policies[tms_policy_id or DEFAULT_POLICY_IDS[TMS]]
    if tms_policy.id == DEFAULT_POLICY_IDS[TMS]:
        tms_policy = tms_policy.with_overrides(thresholds.clinic_tms_overrides(), why="SCREENING_THRESHOLDS setting")
    return screen(
        answers=answers,
        catalog=catalog,
        tms_policy=tms_policy,
        spravato_policy=policies[spravato_policy_id or DEFAULT_POLICY_IDS[SPRAVATO]],
        settings=thresholds.settings(),
        cleared=cleared,
        today=today,
    )
