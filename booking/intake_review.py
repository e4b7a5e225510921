"""The intake's steps and its answers grouped as the patient saw them, for the
patient's review page and the staff request page alike."""

from dataclasses import dataclass

from booking.intake_forms import DepressionNowForm, OtherTreatmentsForm, Phq9Form, SafetyForm


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    template: str


STEPS = [
    Step(1, "Your depression now", "booking/intake/_step_depression.html"),
    Step(2, "Antidepressants you have tried", "booking/intake/_step_medicines.html"),
    Step(3, "Other treatments", "booking/intake/_step_treatments.html"),
    Step(4, "How you have been feeling", "booking/intake/_step_phq9.html"),
    Step(5, "Safety questions", "booking/intake/_step_safety.html"),
    Step(6, "Review and send", "booking/intake/_step_review.html"),
]


def review_sections(current):
    """The answers as the patient gave them, section by section, to check before sending."""

    def shown(form, name):
        field = form[name]
        value = field.value()
        choices = dict(getattr(field.field, "choices", []))
        text = choices.get(value, value) if choices else value
        return (field.label, text if text not in (None, "") else "Not answered")

    depression = DepressionNowForm(instance=current)
    treatments = OtherTreatmentsForm(instance=current)
    phq9 = Phq9Form(answers=current.phq9)
    safety = SafetyForm(answers=current.safety)
    return [
        (STEPS[0], [shown(depression, name) for name in depression.fields]),
        (STEPS[1], [(trial.name_given, trial_text(trial)) for trial in current.trials.all()]),
        (STEPS[2], [shown(treatments, name) for name in treatments.fields]),
        (STEPS[3], [shown(phq9, name) for name in phq9.fields]),
        (STEPS[4], [shown(safety, name) for name in safety.fields]),
    ]


def trial_text(trial):
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
