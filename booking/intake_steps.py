"""The intake as a list of steps: each with its title, form, save function, template and scripts.

The views walk this list; nothing else knows which step is which. The same list groups the
answers for the patient's review page and the staff request page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.forms import formset_factory
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from booking import services
from booking.intake_forms import (
    BaseTrialFormSet,
    DepressionNowForm,
    OtherTreatmentsForm,
    Phq9Form,
    ReviewForm,
    SafetyForm,
    TrialForm,
    choice_label,
)
from booking.intake_phq9 import VERSIONS as PHQ9_VERSIONS
from booking.models import Intake
from booking.models.intake import format_decimal

MAX_TRIAL_ROWS = 30


@dataclass(frozen=True)
class Saved:
    """What saving a step found that changes where the patient goes next."""

    # Thoughts of self-harm (PHQ-9 item 9 above 0): help comes first, whichever button was pressed.
    needs_support: bool = False


@dataclass(frozen=True)
class Step:
    number: int
    title: str | Promise
    # The step's partial is templates/booking/intake/_step_<slug>.html.
    slug: str
    form: Callable[..., object]  # (intake, data=None) -> form or formset
    save: Callable[[Intake, object, int], Saved]
    # Answers as the patient saw them, for the review pages, when not simply the form's fields.
    review: Callable[[Intake], list[tuple[str, str]]] | None = None
    scripts: tuple[str, ...] = ("js/forms.js",)
    # Rows the patient adds and removes (the medicines): errors are shown beside each row.
    repeating: bool = False
    is_review: bool = False
    # Runs when the form is not valid, before its errors are shown or Back is followed: what must not
    # wait for a complete page (PHQ-9 item 9) is read and acted on here.
    save_invalid: Callable[[Intake, object, int], Saved] | None = None
    intro: str | Promise = _(
        "Your answers are saved each time you press Save and continue. You can leave and come back "
        "with the link in your email. Skip anything you are not sure about."
    )

    @property
    def template(self) -> str:
        return f"booking/intake/_step_{self.slug}.html"

    def review_rows(self, intake: Intake) -> list[tuple[str, str]]:
        """(label, text) rows of this step's saved answers."""
        if self.review:
            return self.review(intake)
        form = self.form(intake)
        return [_shown(form, name) for name in form.fields]


# --- Forms ---------------------------------------------------------------------------------------


def trial_formset(intake: Intake, data=None, extra: int = 0):
    initial = list(intake.trials.values(*TrialForm._meta.fields))
    for row in initial:
        # Show a dose as the patient typed it: 150, not 150.000.
        for name in ("max_daily_dose", "component_dose"):
            if row[name] is not None:
                row[name] = format_decimal(row[name])
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
    formset = formset_class(data, initial=initial, prefix="trials")
    # A saved medicine dosed in micrograms (liothyronine) is asked, and shown, in mcg.
    for form, unit in zip(formset.forms, intake.trials.values_list("dose_unit", flat=True), strict=False):
        if unit != "mg":
            form.fields["max_daily_dose"].label = _("Highest dose per day, in %(unit)s (if you know it)") % {
                "unit": unit
            }
    return formset


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
    result = services.intake_save_phq9(
        intake=intake, step=number, answers=form.answers(), language=form.version.language
    )
    return Saved(needs_support=result.item9_positive)


def _save_phq9_incomplete(intake, form, number):
    # The same service reads item 9 on a half-filled page: a positive answer is saved with the
    # others typed so far, and help comes first; otherwise nothing is saved.
    result = services.intake_save_phq9(
        intake=intake, step=number, answers=form.partial_answers(), language=form.version.language
    )
    return Saved(needs_support=result.item9_positive)


def _save_safety(intake, form, number):
    services.intake_save(intake=intake, step=number, fields={"safety": form.answers()})
    return Saved()


def _submit(intake, form, number):
    services.intake_submit(intake=intake)
    return Saved()


# --- Review rows ---------------------------------------------------------------------------------


NOT_ANSWERED = _("Not answered")


def _shown(form, name):
    field_ = form[name]
    value = field_.value()
    # An empty choice ("Choose one") is a question left blank, never an answer.
    if value in (None, ""):
        return (field_.label, NOT_ANSWERED)
    choices = dict(getattr(field_.field, "choices", []))
    text = choices.get(value, value) if choices else value
    return (field_.label, text if text not in (None, "") else NOT_ANSWERED)


def _number(value) -> str:
    """A dose as the reader writes numbers: 1.5 in English, 1,5 in Spanish; 150, never 150.000."""
    text = format_decimal(value)
    if get_language() == "en" or "." not in text:
        return text
    return number_format(text, decimal_pos=len(text.split(".")[1]))


def trial_text(trial) -> str:
    parts = [
        gettext("%(dose)s %(unit)s a day") % {"dose": _number(trial.max_daily_dose), "unit": trial.dose_unit}
        if trial.max_daily_dose is not None
        else gettext("dose not given"),
        gettext("%(weeks)s weeks") % {"weeks": trial.weeks_at_dose}
        if trial.weeks_at_dose is not None
        else gettext("weeks not given"),
    ]
    if trial.component_dose is not None:
        parts.append(gettext("antidepressant part %(dose)s mg a day") % {"dose": _number(trial.component_dose)})
    episode = (
        choice_label("current_episode", trial.current_episode, trial.current_episode).lower()
        if trial.current_episode
        else gettext("not answered")
    )
    parts.append(gettext("current period of depression: %(answer)s") % {"answer": episode})
    if trial.response:
        parts.append(gettext("helped: %(answer)s") % {"answer": choice_label("response", trial.response).lower()})
    if trial.stop_reason:
        parts.append(
            gettext("stopped: %(reason)s") % {"reason": choice_label("stop_reason", trial.stop_reason).lower()}
        )
    return pgettext("between the parts of a medicine's summary", ", ").join(parts)


# --- The steps -----------------------------------------------------------------------------------


def _trial_rows(intake):
    return [(trial.name_given, trial_text(trial)) for trial in intake.trials.all()]


def _phq9_rows(intake):
    form = Phq9Form.for_intake(intake)
    rows = [_shown(form, name) for name in form.fields]
    version = PHQ9_VERSIONS.get(intake.phq9_language)
    if version is not None and intake.phq9:
        # Staff need to know which published wording the answers are to.
        rows.append((_("Version of the questions answered"), version.name))
    return rows


STEPS = [
    Step(1, _("Your depression now"), "depression", DepressionNowForm.for_intake, _save_model_form),
    Step(
        2,
        _("Antidepressants you have tried"),
        "medicines",
        trial_formset,
        _save_trials,
        review=_trial_rows,
        scripts=("js/forms.js", "js/medicines.js"),
        repeating=True,
    ),
    Step(3, _("Other treatments"), "treatments", OtherTreatmentsForm.for_intake, _save_model_form),
    Step(
        4,
        _("How you have been feeling"),
        "phq9",
        Phq9Form.for_intake,
        _save_phq9,
        review=_phq9_rows,
        scripts=("js/forms.js", "js/phq9.js"),
        save_invalid=_save_phq9_incomplete,
        intro=_(
            "Please answer all nine questions; each one counts. Your answers are saved when you press "
            "Save and continue, and you can come back with the link in your email."
        ),
    ),
    Step(5, _("Safety questions"), "safety", SafetyForm.for_intake, _save_safety),
    Step(
        6,
        _("Review and send"),
        "review",
        ReviewForm.for_intake,
        _submit,
        is_review=True,
        intro=_("Check your answers, change anything with Back, then send them to the clinic."),
    ),
]
LAST_STEP = len(STEPS)


def step_for(number: int) -> Step:
    return STEPS[number - 1]


def review_sections(intake: Intake) -> list[tuple[Step, list[tuple[str, str]]]]:
    """The answers as the patient gave them, step by step, to check before sending."""
    return [(step, step.review_rows(intake)) for step in STEPS if not step.is_review]
