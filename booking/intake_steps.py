"""The intake as a list of steps: each with its title, form, save function, template and scripts.

The views walk this list; nothing else knows which step is which. The same list groups the
answers for the patient's review page and the staff request page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.forms import formset_factory

from booking import services
from booking.intake_forms import (
    BaseTrialFormSet,
    DepressionNowForm,
    OtherTreatmentsForm,
    Phq9Form,
    ReviewForm,
    SafetyForm,
    TrialForm,
)
from booking.models import Intake

MAX_TRIAL_ROWS = 30


@dataclass(frozen=True)
class Saved:
    """What saving a step found that changes where the patient goes next."""

    # Thoughts of self-harm (PHQ-9 item 9 above 0): help comes first, whichever button was pressed.
    needs_support: bool = False


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    template: str
    form: Callable[..., object]  # (intake, data=None) -> form or formset
    save: Callable[[Intake, object, int], Saved]
    # Answers as the patient saw them, for the review pages: (label, text) rows.
    review_rows: Callable[[Intake], list[tuple[str, str]]] | None = None
    scripts: tuple[str, ...] = ("js/forms.js",)
    # Rows the patient adds and removes (the medicines): errors are shown beside each row.
    repeating: bool = False
    is_review: bool = False


# --- Forms ---------------------------------------------------------------------------------------


def trial_formset(intake: Intake, data=None, extra: int = 0):
    initial = list(intake.trials.values(*TrialForm._meta.fields))
    for row in initial:
        # Show a dose as the patient typed it: 150, not 150.000.
        if row["max_daily_dose_mg"] is not None:
            row["max_daily_dose_mg"] = format(row["max_daily_dose_mg"].normalize(), "f")
    if data is None and not initial:
        extra = max(extra, 1)  # an empty first row to fill in
    formset_class = formset_factory(
        TrialForm,
        formset=BaseTrialFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_TRIAL_ROWS,
        validate_max=True,
        absolute_max=MAX_TRIAL_ROWS,
    )
    return formset_class(data, initial=initial, prefix="trials")


# --- Saving --------------------------------------------------------------------------------------


def _save_model_form(intake, form, number):
    services.intake_save(
        intake=intake, step=number, fields={name: form.cleaned_data[name] for name in form.Meta.fields}
    )
    return Saved()


def _save_trials(intake, formset, number):
    services.intake_save_trials(intake=intake, step=number, rows=formset.rows())
    return Saved()


def _save_phq9(intake, form, number):
    result = services.intake_save_phq9(intake=intake, step=number, answers=form.answers())
    return Saved(needs_support=result.item9_positive)


def _save_safety(intake, form, number):
    services.intake_save(intake=intake, step=number, fields={"safety": form.answers()})
    return Saved()


def _submit(intake, form, number):
    services.intake_submit(intake=intake)
    return Saved()


# --- Review rows ---------------------------------------------------------------------------------


def _shown(form, name):
    field_ = form[name]
    value = field_.value()
    choices = dict(getattr(field_.field, "choices", []))
    text = choices.get(value, value) if choices else value
    return (field_.label, text if text not in (None, "") else "Not answered")


def _rows_of(form):
    return [_shown(form, name) for name in form.fields]


def trial_text(trial) -> str:
    parts = [
        f"{trial.max_daily_dose_mg.normalize():f} mg a day"
        if trial.max_daily_dose_mg is not None
        else "dose not given",
        f"{trial.weeks_at_dose} weeks" if trial.weeks_at_dose is not None else "weeks not given",
    ]
    if trial.response:
        parts.append(f"helped: {trial.get_response_display().lower()}")
    if trial.stop_reason:
        parts.append(f"stopped: {trial.get_stop_reason_display().lower()}")
    return ", ".join(parts)


# --- The steps -----------------------------------------------------------------------------------

STEPS = [
    Step(
        1,
        "Your depression now",
        "booking/intake/_step_depression.html",
        form=lambda intake, data=None: DepressionNowForm(data, instance=intake),
        save=_save_model_form,
        review_rows=lambda intake: _rows_of(DepressionNowForm(instance=intake)),
    ),
    Step(
        2,
        "Antidepressants you have tried",
        "booking/intake/_step_medicines.html",
        form=trial_formset,
        save=_save_trials,
        review_rows=lambda intake: [(t.name_given, trial_text(t)) for t in intake.trials.all()],
        repeating=True,
    ),
    Step(
        3,
        "Other treatments",
        "booking/intake/_step_treatments.html",
        form=lambda intake, data=None: OtherTreatmentsForm(data, instance=intake),
        save=_save_model_form,
        review_rows=lambda intake: _rows_of(OtherTreatmentsForm(instance=intake)),
    ),
    Step(
        4,
        "How you have been feeling",
        "booking/intake/_step_phq9.html",
        form=lambda intake, data=None: Phq9Form(data, answers=intake.phq9),
        save=_save_phq9,
        review_rows=lambda intake: _rows_of(Phq9Form(answers=intake.phq9)),
        scripts=("js/forms.js", "js/phq9.js"),
    ),
    Step(
        5,
        "Safety questions",
        "booking/intake/_step_safety.html",
        form=lambda intake, data=None: SafetyForm(data, answers=intake.safety),
        save=_save_safety,
        review_rows=lambda intake: _rows_of(SafetyForm(answers=intake.safety)),
    ),
    Step(
        6,
        "Review and send",
        "booking/intake/_step_review.html",
        form=lambda intake, data=None: ReviewForm(data),
        save=_submit,
        is_review=True,
    ),
]
LAST_STEP = len(STEPS)


def step_for(number: int) -> Step:
    return STEPS[number - 1]


def review_sections(intake: Intake) -> list[tuple[Step, list[tuple[str, str]]]]:
    """The answers as the patient gave them, step by step, to check before sending."""
    return [(step, step.review_rows(intake)) for step in STEPS if step.review_rows]
