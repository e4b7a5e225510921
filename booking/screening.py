"""Screening rules for the treatment-history intake: pure Python, no Django.

The summary built here is a screening aid for staff. It is not a diagnosis or an eligibility
decision; a clinician decides. Every threshold below comes from one of these sources:

[PHQ9]   Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity
         measure. J Gen Intern Med. 2001;16(9):606-613. doi:10.1046/j.1525-1497.2001.016009606.x
         (the nine items, the 0-3 answer choices, and the severity bands 0-4, 5-9, 10-14, 15-19,
         20-27). The instrument is free to reproduce.
[ATHF]   Sackeim HA, Aaronson ST, Bunker MT, et al. The assessment of resistance to antidepressant
         treatment: Rationale for the Antidepressant Treatment History Form: Short Form (ATHF-SF).
         J Psychiatr Res. 2019;113:125-136. doi:10.1016/j.jpsychires.2019.03.021
         (minimum adequate daily doses in booking/data/medications.csv, where the file cites it;
         other doses cite the FDA label named in the file).
[TMS]    Typical payer criteria for TMS, for example CMS Local Coverage Determination L34641,
         "Transcranial Magnetic Stimulation for Major Depressive Disorder": failed adequate trials
         of antidepressants (often from two classes), a trial of psychotherapy, and a severity score
         such as PHQ-9 of 15 or more. Payers differ, so every figure is a setting (see Thresholds).
         Metal or implanted devices in or near the head and a history of seizures are screened for
         clinician review.
[SPRAV]  SPRAVATO (esketamine) nasal spray prescribing information, Janssen; FDA approval 2019,
         revised 2020, 2023 and 2025. Indication: adults with treatment-resistant depression (TRD),
         defined in the clinical programme as inadequate response to at least two oral
         antidepressants of adequate dose and duration in the current episode. Contraindications:
         aneurysmal vascular disease (including thoracic and abdominal aorta, intracranial and
         peripheral arterial vessels) or arteriovenous malformation; history of intracerebral
         hemorrhage; hypersensitivity to esketamine, ketamine or any excipient. Given under a REMS:
         monitoring for at least 2 hours after each dose, and no driving until the next day after a
         restful sleep.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

# Bump when the rules or the shape of to_dict() change, so stored summaries can be recomputed.
SUMMARY_VERSION = 1

DISCLAIMER = "This is a screening aid for staff. It is not a diagnosis or an eligibility decision; a clinician decides."

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "medications.csv"

# Short, human-readable class names used in the catalog file and in the admin.
DRUG_CLASSES = (
    "SSRI",
    "SNRI",
    "atypical",
    "serotonin modulator",
    "tricyclic",
    "MAOI",
    "NMDA antagonist",
    "augmentation: antipsychotic",
    "augmentation: lithium",
    "augmentation: thyroid",
    "augmentation: other",
)

# Esketamine and ketamine are given in a clinic (nasal spray, infusion), so [SPRAV] and payers
# do not count them as oral antidepressant trials. Dextromethorphan-bupropion shares their class
# but is an oral tablet and does count.
NOT_ORAL_ANTIDEPRESSANTS = frozenset({"esketamine", "ketamine"})


# ---------------------------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Figures the criteria use. Defaults follow [TMS] and [SPRAV]; clinics override them in settings."""

    # [TMS] adequate antidepressant trials that did not help enough.
    min_failed_trials_tms: int = 2
    # [TMS] many payers ask for failed trials from at least two different classes.
    min_classes_tms: int = 2
    # [TMS] about six weeks at an adequate dose counts as an adequate trial.
    min_weeks_adequate: float = 6
    # [TMS] most payers ask for a trial of psychotherapy.
    require_psychotherapy_tms: bool = True
    # [TMS] [PHQ9] 15 is the start of the "moderately severe" band.
    min_phq9_tms: int = 15
    # [SPRAV] at least two oral antidepressants in the current episode.
    min_failed_trials_spravato: int = 2

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "require_psychotherapy_tms":
                if not isinstance(value, bool):
                    raise ValueError(f"Threshold {f.name} must be true or false, not {value!r}.")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"Threshold {f.name} must be a number of 0 or more, not {value!r}.")

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


# ---------------------------------------------------------------------------------------------
# Medication catalog
# ---------------------------------------------------------------------------------------------

CATALOG_FIELDS = ("generic", "brands", "drug_class", "min_adequate_daily_dose_mg", "dose_source", "augmentation")


@dataclass(frozen=True)
class Medication:
    generic: str
    brands: tuple[str, ...]
    drug_class: str
    # None when there is no established figure: adequacy is then "cannot tell".
    min_adequate_daily_dose_mg: float | None
    dose_source: str
    augmentation: bool

    @property
    def key(self) -> str:
        return self.generic.strip().lower()

    @property
    def counts_as_oral_antidepressant(self) -> bool:
        return not self.augmentation and self.key not in NOT_ORAL_ANTIDEPRESSANTS


def _parse_brands(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(";")
    return tuple(b.strip() for b in value if b and b.strip())


def _parse_dose(value: Any, generic: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        dose = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Catalog: dose for {generic} is not a number: {value!r}.") from None
    if dose <= 0:
        raise ValueError(f"Catalog: dose for {generic} must be positive or blank, not {value!r}.")
    return dose


def _parse_yes_no(value: Any, generic: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0", ""):
        return False
    raise ValueError(f"Catalog: augmentation for {generic} must be yes or no, not {value!r}.")


def catalog_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Medication]:
    """Build a catalog from rows with the CSV's fields (file rows or database rows as dicts)."""
    catalog: dict[str, Medication] = {}
    for row in rows:
        generic = str(row.get("generic") or "").strip()
        if not generic:
            raise ValueError("Catalog: a row has no generic name.")
        drug_class = str(row.get("drug_class") or "").strip()
        if drug_class not in DRUG_CLASSES:
            raise ValueError(f"Catalog: unknown class {drug_class!r} for {generic}.")
        med = Medication(
            generic=generic,
            brands=_parse_brands(row.get("brands")),
            drug_class=drug_class,
            min_adequate_daily_dose_mg=_parse_dose(row.get("min_adequate_daily_dose_mg"), generic),
            dose_source=str(row.get("dose_source") or "").strip(),
            augmentation=_parse_yes_no(row.get("augmentation"), generic),
        )
        if med.key in catalog:
            raise ValueError(f"Catalog: {generic} is listed twice.")
        catalog[med.key] = med
    return catalog


def load_catalog(path: str | Path = DEFAULT_CATALOG_PATH) -> dict[str, Medication]:
    """Read the catalog file, keyed by lowercase generic name."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != CATALOG_FIELDS:
            raise ValueError(f"Catalog {path}: expected columns {', '.join(CATALOG_FIELDS)}.")
        return catalog_from_rows(reader)


def find_medication(catalog: Mapping[str, Medication], name: str | None) -> Medication | None:
    """Find by generic or brand name, ignoring case and surrounding spaces."""
    wanted = (name or "").strip().lower()
    if not wanted:
        return None
    if wanted in catalog:
        return catalog[wanted]
    for med in catalog.values():
        if any(brand.lower() == wanted for brand in med.brands):
            return med
    return None


# ---------------------------------------------------------------------------------------------
# PHQ-9 [PHQ9]
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
# Medication trials
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
    max_daily_dose_mg: float | None = None
    weeks_at_dose: float | None = None
    response: Response | None = None
    stop_reason: StopReason | None = None


@dataclass(frozen=True)
class TrialAssessment:
    adequate: bool | None  # None means "cannot tell"; the reason names what is missing
    failed: bool | None  # did not help enough (none or a little); None when not answered
    drug_class: str | None
    counts_as_oral_antidepressant: bool
    reason: str
    medicine: str = ""
    medication_key: str | None = None


def _fmt(number: float) -> str:
    return f"{number:g}"


def _trial_name(trial: Trial) -> str:
    return (trial.other_name or trial.medication_key or "").strip() or "an unnamed medicine"


def assess_trial(trial: Trial, catalog: Mapping[str, Medication], thresholds: Thresholds) -> TrialAssessment:
    """Adequate when the dose is at least the catalog minimum and held for at least the set weeks [ATHF]."""
    failed = None if trial.response is None else trial.response in (Response.NONE, Response.LITTLE)
    outcome = {
        None: "How much it helped: not answered.",
        True: "It did not help enough.",
        False: "It helped a lot.",
    }[failed]
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
        )

    name = med.generic
    problems: list[str] = []  # facts that make the trial inadequate
    missing: list[str] = []  # facts we would need to decide
    minimum = med.min_adequate_daily_dose_mg
    dose = trial.max_daily_dose_mg
    weeks = trial.weeks_at_dose
    if minimum is None:
        missing.append(f"no minimum dose on file for {name}")
    if dose is None:
        missing.append("dose not given")
    elif minimum is not None and dose < minimum:
        problems.append(f"{_fmt(dose)} mg a day is below the minimum of {_fmt(minimum)} mg")
    if weeks is None:
        missing.append("weeks not given")
    elif weeks < thresholds.min_weeks_adequate:
        problems.append(f"{_fmt(weeks)} weeks is less than {_fmt(thresholds.min_weeks_adequate)} weeks")

    if problems:
        adequate: bool | None = False
        verdict = f"Not adequate: {'; '.join(problems)}."
    elif missing:
        adequate = None
        verdict = f"Cannot tell: {'; '.join(missing)}."
    else:
        adequate = True
        verdict = (
            f"Adequate: {_fmt(dose)} mg a day for {_fmt(weeks)} weeks "
            f"(minimum {_fmt(minimum)} mg for {_fmt(thresholds.min_weeks_adequate)} weeks)."
        )

    counts = med.counts_as_oral_antidepressant
    parts = [f"{name.capitalize()} ({med.drug_class}).", verdict, outcome]
    if med.augmentation:
        parts.append("Augmentation medicine: recorded, but not counted as an oral antidepressant trial.")
    elif not counts:
        parts.append("Not an oral antidepressant: recorded, but not counted toward the oral trial counts.")
    return TrialAssessment(
        adequate=adequate,
        failed=failed,
        drug_class=med.drug_class,
        counts_as_oral_antidepressant=counts,
        reason=" ".join(parts),
        medicine=name,
        medication_key=med.key,
    )


# ---------------------------------------------------------------------------------------------
# Intake answers and the summary
# ---------------------------------------------------------------------------------------------

DIAGNOSES = ("major_depression", "bipolar", "other", "not_sure")

TMS_SAFETY_KEYS = ("metal_in_head", "implanted_device", "seizure_history", "serious_head_injury")
SPRAVATO_SAFETY_KEYS = (
    "aneurysm_or_avm",
    "brain_bleed_history",
    "high_blood_pressure",
    "pregnant_or_breastfeeding",
    "substance_use",
    "has_ride_home",
)
SAFETY_LABELS = {
    "metal_in_head": "Metal in or near the head (aneurysm clips, electrodes, fragments)",
    "implanted_device": (
        "Implanted device (pacemaker, defibrillator, deep brain or vagus nerve stimulator, cochlear implant)"
    ),
    "seizure_history": "Seizures or epilepsy",
    "serious_head_injury": "Serious head injury",
    "aneurysm_or_avm": "Aneurysm or arteriovenous malformation",
    "brain_bleed_history": "Bleeding in the brain in the past",
    "high_blood_pressure": "High blood pressure",
    "pregnant_or_breastfeeding": "Pregnant or breastfeeding",
    "substance_use": "Alcohol or drug use",
    "has_ride_home": "Someone to drive them home after treatment",
}
# For these the concern is a "no"; for every other key it is a "yes".
SAFETY_FLAG_WHEN_FALSE = frozenset({"has_ride_home"})
# How a raised answer reads when its label is a question rather than a finding.
SAFETY_FLAG_LABELS = {**SAFETY_LABELS, "has_ride_home": "No ride home after treatment"}

# Why each raised answer matters, shown to staff next to the flag.
_SAFETY_NOTES = {
    "metal_in_head": "needs clinician review before TMS",
    "implanted_device": "needs clinician review before TMS",
    "seizure_history": "needs clinician review before TMS",
    "serious_head_injury": "needs clinician review before TMS",
    "aneurysm_or_avm": "label contraindication to confirm; needs clinician review",
    "brain_bleed_history": "label contraindication to confirm; needs clinician review",
    "high_blood_pressure": "blood pressure rises after each dose; needs clinician review",
    "pregnant_or_breastfeeding": "needs clinician review",
    "substance_use": "needs clinician review",
    "has_ride_home": "patients must not drive until the next day after a restful sleep (REMS)",
}


@dataclass
class IntakeAnswers:
    diagnosis: str | None = None  # one of DIAGNOSES, as a clinician told the patient
    episode_months: int | None = None
    trials: list[Trial] = field(default_factory=list)
    psychotherapy_tried: bool | None = None
    psychotherapy_weeks: int | None = None
    prior_ect: bool | None = None
    prior_tms: bool | None = None
    prior_ketamine_or_esketamine: bool | None = None
    phq9: list[int | None] | None = None
    safety: dict[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CriteriaResult:
    likely_met: bool  # every criterion met; review items are shown but do not change it
    met: list[str]
    unmet: list[str]
    needs_review: list[str]
    reason: str


@dataclass(frozen=True)
class ScreeningSummary:
    version: int
    disclaimer: str
    phq9: Phq9Result | None
    trials: list[TrialAssessment]
    adequate_failed_trials: int
    failed_classes: list[str]
    distinct_classes: int
    psychotherapy_tried: bool | None
    tms: CriteriaResult
    spravato: CriteriaResult
    safety_flags: list[str]  # raised safety answers, each needing clinician review
    urgent: bool
    thresholds: Thresholds

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for a JSONField."""
        return asdict(self)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _diagnosis_items(diagnosis: str | None, met: list[str], unmet: list[str], review: list[str]) -> None:
    if diagnosis == "major_depression":
        met.append("Diagnosis: major depression, as told by a clinician.")
    elif diagnosis is None:
        unmet.append("Diagnosis: not answered.")
    elif diagnosis == "bipolar":
        unmet.append("Diagnosis: major depression not reported (bipolar disorder reported).")
        review.append("Bipolar disorder reported: needs clinician review.")
    else:
        shown = "not sure" if diagnosis == "not_sure" else diagnosis.replace("_", " ")
        unmet.append(f"Diagnosis: major depression not reported ({shown}).")


def _trial_review_items(assessments: list[TrialAssessment]) -> list[str]:
    """Trials that could change the counts once staff fill in what is missing."""
    items = []
    for a in assessments:
        if a.drug_class is None:
            items.append(f"{a.medicine}: not in the catalog; classify it to count it.")
        elif a.counts_as_oral_antidepressant and (a.adequate is None or (a.adequate and a.failed is None)):
            items.append(f"Trial to check: {a.reason}")
    return items


def _safety_items(keys: Sequence[str], safety: Mapping[str, bool | None]) -> tuple[list[str], list[str]]:
    """Return (review items, flag labels). An unanswered question is a review item, never a pass."""
    review, flags = [], []
    for key in keys:
        answer = safety.get(key)
        label = SAFETY_LABELS[key]
        raised = not answer if key in SAFETY_FLAG_WHEN_FALSE else bool(answer)
        if answer is None:
            review.append(f"{label}: not answered.")
        elif raised:
            review.append(f"{SAFETY_FLAG_LABELS[key]}: {_SAFETY_NOTES[key]}.")
            flags.append(SAFETY_FLAG_LABELS[key])
    return review, flags


def _result(met: list[str], unmet: list[str], review: list[str], name: str) -> CriteriaResult:
    likely = not unmet
    if likely:
        reason = f"Typical {name} criteria look met."
    else:
        reason = f"Typical {name} criteria not yet met: {_plural(len(unmet), 'item')} unmet or unanswered."
    if review:
        reason += f" {_plural(len(review), 'item')} need clinician review."
    return CriteriaResult(likely_met=likely, met=met, unmet=unmet, needs_review=review, reason=reason)


def summarize(
    answers: IntakeAnswers, catalog: Mapping[str, Medication], thresholds: Thresholds | None = None
) -> ScreeningSummary:
    """Build the staff summary. Raises ValueError if the PHQ-9 answers are malformed."""
    thresholds = thresholds or Thresholds()
    phq9 = score_phq9(answers.phq9) if answers.phq9 is not None else None
    assessments = [assess_trial(t, catalog, thresholds) for t in answers.trials]

    # Count each medicine once: a second course of the same drug is not a new agent for payers.
    counted: dict[str, TrialAssessment] = {}
    for a in assessments:
        if a.counts_as_oral_antidepressant and a.adequate is True and a.failed is True and a.medication_key:
            counted.setdefault(a.medication_key, a)
    n_failed = len(counted)
    classes = sorted({a.drug_class for a in counted.values() if a.drug_class})
    trial_review = _trial_review_items(assessments)
    trials_note = f"{_plural(n_failed, 'adequate oral antidepressant trial')} that did not help enough"

    # --- TMS [TMS] ---
    met: list[str] = []
    unmet: list[str] = []
    review: list[str] = []
    _diagnosis_items(answers.diagnosis, met, unmet, review)
    need = thresholds.min_failed_trials_tms
    (met if n_failed >= need else unmet).append(f"Failed trials: {trials_note} (needs {need}).")
    need = thresholds.min_classes_tms
    shown = ", ".join(classes) if classes else "none"
    (met if len(classes) >= need else unmet).append(
        f"Classes: {_plural(len(classes), 'class')} among those trials ({shown}; needs {need})."
    )
    if thresholds.require_psychotherapy_tms:
        if answers.psychotherapy_tried is None:
            unmet.append("Psychotherapy: not answered.")
        elif answers.psychotherapy_tried:
            weeks = answers.psychotherapy_weeks
            met.append("Psychotherapy: tried" + (f" for {weeks} weeks." if weeks is not None else "."))
        else:
            unmet.append("Psychotherapy: not tried.")
    need = thresholds.min_phq9_tms
    if phq9 is None:
        unmet.append("PHQ-9: not answered.")
    elif not phq9.complete:
        unmet.append("PHQ-9: not complete.")
    else:
        (met if phq9.total >= need else unmet).append(f"PHQ-9: {phq9.total} ({phq9.band_label}; needs {need}).")
    tms_safety, tms_flags = _safety_items(TMS_SAFETY_KEYS, answers.safety)
    tms = _result(met, unmet, review + trial_review + tms_safety, "TMS payer")

    # --- SPRAVATO [SPRAV] ---
    met, unmet, review = [], [], []
    _diagnosis_items(answers.diagnosis, met, unmet, review)
    need = thresholds.min_failed_trials_spravato
    (met if n_failed >= need else unmet).append(
        f"Treatment-resistant depression: {trials_note} (needs {need} in the current episode). "
        "The intake asks about the current episode; confirm the dates."
    )
    if answers.episode_months is None:
        review.append("Length of the current episode: not answered.")
    spravato_safety, spravato_flags = _safety_items(SPRAVATO_SAFETY_KEYS, answers.safety)
    spravato = _result(met, unmet, review + trial_review + spravato_safety, "SPRAVATO")

    return ScreeningSummary(
        version=SUMMARY_VERSION,
        disclaimer=DISCLAIMER,
        phq9=phq9,
        trials=assessments,
        adequate_failed_trials=n_failed,
        failed_classes=classes,
        distinct_classes=len(classes),
        psychotherapy_tried=answers.psychotherapy_tried,
        tms=tms,
        spravato=spravato,
        safety_flags=tms_flags + spravato_flags,
        urgent=bool(phq9 and phq9.item9_positive),
        thresholds=thresholds,
    )
