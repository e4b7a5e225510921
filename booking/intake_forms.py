"""The intake's steps, one form each. Most answers are optional: a patient who is
unsure can skip a question, and staff see what is missing."""

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from booking import crisis
from booking.intake_phq9 import phq9_version
from booking.models import Intake, MedicationTrial
from booking.safety_questions import NOT_SURE, SAFETY_QUESTIONS, SPRAVATO, TMS

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNSURE = [("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure"))]
CHOOSE_ONE = ("", _("Choose one"))

# The models' choices in the patient's language (the models keep the English labels staff read).
# Keyed by stored value, per field: the same value can read differently in two questions.
CHOICE_LABELS = {
    "diagnosis": {
        "major_depression": _("Major depression (major depressive disorder)"),
        "bipolar": _("Bipolar disorder"),
        "other": _("Something else"),
        "not_sure": _("I am not sure / no one has told me"),
    },
    "episode_length": {
        "lt6m": _("Less than 6 months"),
        "6to12m": _("6 to 12 months"),
        "1to2y": _("1 to 2 years"),
        "gt2y": _("More than 2 years"),
        "not_sure": _("Not sure"),
    },
    "psychotherapy_length": {
        "lt6w": _("Less than 6 weeks"),
        "6to12w": _("6 to 12 weeks"),
        "3to6m": _("3 to 6 months"),
        "gt6m": _("More than 6 months"),
    },
    "outcome": {
        "a_lot": _("It helped a lot"),
        "a_little": _("It helped a little"),
        "no": _("It did not help"),
        "not_sure": _("Not sure"),
    },
    "current_episode": dict(YES_NO_UNSURE),
    "response": {
        "none": pgettext_lazy("how much a medicine helped", "Not at all"),
        "little": _("A little"),
        "a_lot": _("A lot"),
    },
    "stop_reason": {
        "no_help": _("It did not help"),
        "side_effects": _("Side effects"),
        "cost": _("Cost or insurance"),
        "other": _("Another reason"),
        "still_taking": _("I am still taking it"),
    },
}
for _outcome in ("prior_ect_outcome", "prior_tms_outcome", "prior_ketamine_outcome"):
    CHOICE_LABELS[_outcome] = CHOICE_LABELS["outcome"]


def choice_label(field_name: str, value: str, default: str = "") -> str:
    """A stored choice as the patient reads it, in the active language."""
    return str(CHOICE_LABELS.get(field_name, {}).get(value, default))


def _translated_choices(field_name, choices, *, blank=None):
    """The field's choices with their patient-facing labels, the empty one dropped (or replaced)."""
    labels = CHOICE_LABELS.get(field_name, {})
    shown = [(value, labels.get(value, label)) for value, label in choices if value]
    return [blank, *shown] if blank else shown


def _to_bool(value):
    return {"yes": True, "no": False}.get(value)


def _from_bool(value):
    return {True: "yes", False: "no"}.get(value, "")


def yes_no_field(label, *, unsure=False, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNSURE if unsure else YES_NO,
        coerce=_to_bool,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class StepForm:
    """The forms of the intake's steps are all built the same way from the saved intake."""

    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data, instance=intake)


class BooleanAnswersMixin:
    """Show stored True/False/None answers as the radio buttons' yes/no values."""

    boolean_fields: tuple = ()

    def _boolean_initial(self, instance):
        return {name: _from_bool(getattr(instance, name)) for name in self.boolean_fields}


class DepressionNowForm(StepForm, forms.ModelForm):
    class Meta:
        model = Intake
        fields = ["diagnosis", "episode_length", "current_prescriber", "current_medicines"]
        labels = {
            "diagnosis": _("What has a doctor or therapist told you about your depression?"),
            "episode_length": _("How long has this period of depression lasted so far?"),
            "current_prescriber": _("Who prescribes your medicines now? (name and practice, optional)"),
            "current_medicines": _("Which medicines do you take now, for any condition? (optional)"),
        }
        widgets = {
            "diagnosis": forms.RadioSelect,
            "episode_length": forms.RadioSelect,
            "current_medicines": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("diagnosis", "episode_length"):
            self.fields[name].choices = _translated_choices(name, self.fields[name].choices)
            self.fields[name].required = False


class TrialForm(forms.ModelForm):
    class Meta:
        model = MedicationTrial
        fields = [
            "name_given",
            "max_daily_dose",
            "weeks_at_dose",
            "current_episode",
            "when_taken",
            "response",
            "stop_reason",
            "side_effects",
            "component_dose",
        ]
        labels = {
            "name_given": _("Medicine"),
            "max_daily_dose": _("Highest dose per day, in mg (if you know it)"),
            "weeks_at_dose": _("About how many weeks at that dose?"),
            "current_episode": _("Was this during your current period of depression?"),
            "when_taken": _("Roughly when? (for example: 2022, or last spring)"),
            "response": _("How much did it help?"),
            "stop_reason": _("Why did you stop?"),
            "side_effects": _("Side effects, if any"),
            "component_dose": _(
                "Only for a combination medicine (Symbyax, Auvelity): the dose per day of its "
                "antidepressant part, in mg"
            ),
        }
        help_texts = {
            "name_given": _("Start typing the generic or brand name, or type any other name."),
            "max_daily_dose": _(
                "Thyroid hormone (liothyronine, Cytomel) is dosed in micrograms (mcg): for it, type the number of mcg."
            ),
            "component_dose": _("For example 25 for Symbyax 6/25 (fluoxetine 25 mg). Leave blank otherwise."),
        }
        widgets = {
            "name_given": forms.TextInput(attrs={"list": "medication-names", "autocomplete": "off"}),
            "max_daily_dose": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
            "component_dose": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
            "weeks_at_dose": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "520"}),
            "response": forms.RadioSelect,
            "current_episode": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("response", "current_episode"):
            self.fields[name].choices = _translated_choices(name, self.fields[name].choices)
        self.fields["stop_reason"].choices = _translated_choices(
            "stop_reason", self.fields["stop_reason"].choices, blank=CHOOSE_ONE
        )
        self.fields["max_daily_dose"].min_value = 0
        self.fields["weeks_at_dose"].max_value = 520

    def clean_max_daily_dose(self):
        dose = self.cleaned_data["max_daily_dose"]
        if dose is not None and not 0 < dose <= 10000:
            raise forms.ValidationError(_("Please enter the dose per day as a number, for example 50."))
        return dose

    def clean_component_dose(self):
        dose = self.cleaned_data["component_dose"]
        if dose is not None and not 0 < dose <= 10000:
            raise forms.ValidationError(_("Please enter the dose in milligrams, for example 25."))
        return dose


class BaseTrialFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": _(
            "You can list up to %(num)d medicines here. Please remove some rows; "
            "you can tell us about the others when we call."
        ),
    }

    def rows(self):
        """The rows to keep: filled in and not marked for removal."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class OtherTreatmentsForm(StepForm, BooleanAnswersMixin, forms.ModelForm):
    boolean_fields = ("psychotherapy_tried", "prior_ect", "prior_tms", "prior_ketamine")

    psychotherapy_tried = yes_no_field(_("Have you had talk therapy (psychotherapy) for depression?"))
    prior_ect = yes_no_field(_("Have you had ECT (electroconvulsive therapy)?"))
    prior_tms = yes_no_field(_("Have you had TMS before?"))
    prior_ketamine = yes_no_field(_("Have you had ketamine or esketamine (SPRAVATO) before?"))

    class Meta:
        model = Intake
        fields = [
            "psychotherapy_tried",
            "psychotherapy_kind",
            "psychotherapy_length",
            "prior_ect",
            "prior_ect_outcome",
            "prior_tms",
            "prior_tms_outcome",
            "prior_ketamine",
            "prior_ketamine_outcome",
            "other_treatments_notes",
        ]
        labels = {
            "psychotherapy_kind": _("What kind, if you know? (for example CBT)"),
            "psychotherapy_length": _("For how long in total?"),
            "prior_ect_outcome": _("If yes, how did ECT go?"),
            "prior_tms_outcome": _("If yes, how did TMS go?"),
            "prior_ketamine_outcome": _("If yes, how did it go?"),
            "other_treatments_notes": _("Anything else about treatments you have tried? (optional)"),
        }
        widgets = {"other_treatments_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {**self._boolean_initial(instance), **kwargs.get("initial", {})}
        super().__init__(*args, instance=instance, **kwargs)
        for name in ("psychotherapy_length", "prior_ect_outcome", "prior_tms_outcome", "prior_ketamine_outcome"):
            self.fields[name].choices = _translated_choices(name, self.fields[name].choices, blank=CHOOSE_ONE)


class Phq9Form(forms.Form):
    """The nine PHQ-9 items, worded as published in the page's language where a published version
    exists (booking/intake_phq9.py), and scored the same in every language (Kroenke, Spitzer &
    Williams, 2001)."""

    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data, answers=intake.phq9)

    def __init__(self, *args, answers=None, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = phq9_version(language or get_language())
        answers = answers or []
        for number, text in enumerate(self.version.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {text}",
                choices=[(str(value), label) for value, label in self.version.choices],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose the answer closest to how you have felt.")},
            )
            if len(answers) >= number and answers[number - 1] is not None:
                self.initial[f"item_{number}"] = str(answers[number - 1])

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.version.items) + 1)]

    def partial_answers(self) -> list[int | None]:
        """After is_valid() failed: each valid answer, and None where an item is blank or invalid."""
        cleaned = getattr(self, "cleaned_data", {})
        return [cleaned.get(f"item_{n}") for n in range(1, len(self.version.items) + 1)]


class AsqForm(forms.Form):
    """The ASQ as NIMH publishes it (booking/crisis.py), in English on every page: its published
    Spanish wording has not been verified here, and a validated tool is never home-translated. The
    questions and their answers stay in English (inside lang="en"); the error message is the
    clinic's own and is translated. Asked in two parts, as the tool is: questions 1-4, then
    question 5 only after a positive screen."""

    SCREEN = (1, 2, 3, 4)
    ACUITY = (5,)
    CHOICES = [("yes", "Yes"), ("no", "No"), ("declined", "I would rather not answer")]

    def __init__(self, *args, numbers=SCREEN, **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = numbers
        for number in numbers:
            self.fields[f"asq_{number}"] = forms.ChoiceField(
                label=f"{number}. {crisis.ASQ_QUESTIONS[number - 1]}",
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose Yes, No, or I would rather not answer.")},
            )

    def answers(self) -> dict[int, str]:
        return {number: self.cleaned_data[f"asq_{number}"] for number in self.numbers}


def _from_answer(value):
    """A stored safety answer as the radio value: "not sure" stays apart from not answered ("")."""
    return {True: "yes", False: "no", NOT_SURE: "not_sure"}.get(value, "")


class SafetyForm(forms.Form):
    """Built from the one table of safety questions (booking/safety_questions.py): a question of
    both treatments is asked once, under "For TMS and SPRAVATO"."""

    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data, answers=intake.safety)

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for question in SAFETY_QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=_(question.question), choices=YES_NO_UNSURE, required=False, widget=forms.RadioSelect
            )
            shown = _from_answer(answers.get(question.key))
            if shown:
                self.initial[question.key] = shown

    def answers(self) -> dict:
        """True (yes), False (no), "not_sure", or None (not answered)."""
        return {
            key: {"yes": True, "no": False, "not_sure": NOT_SURE}.get(self.cleaned_data.get(key)) for key in self.fields
        }

    def _group(self, treatments):
        return [self[q.key] for q in SAFETY_QUESTIONS if set(q.treatments) == set(treatments)]

    def groups(self):
        """(legend, fields) in the order the patient reads them."""
        groups = [
            (_("For TMS"), self._group((TMS,))),
            (_("For SPRAVATO (esketamine)"), self._group((SPRAVATO,))),
            (_("For TMS and SPRAVATO"), self._group((TMS, SPRAVATO))),
        ]
        return [(legend, fields) for legend, fields in groups if fields]


class ReviewForm(forms.Form):
    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data)

    confirmed_accurate = forms.BooleanField(
        label=_("My answers are accurate as far as I know, and I agree to share them with the clinic."),
        error_messages={"required": _("Please tick the box to confirm before sending.")},
    )
