"""The intake's steps, one form each. Most answers are optional: a patient who is
unsure can skip a question, and staff see what is missing."""

from django import forms

from booking import crisis, screening
from booking.models import Intake, MedicationTrial

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]


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
            "diagnosis": "What has a doctor or therapist told you about your depression?",
            "episode_length": "How long has this period of depression lasted so far?",
            "current_prescriber": "Who prescribes your medicines now? (name and practice, optional)",
            "current_medicines": "Which medicines do you take now, for any condition? (optional)",
        }
        widgets = {
            "diagnosis": forms.RadioSelect,
            "episode_length": forms.RadioSelect,
            "current_medicines": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("diagnosis", "episode_length"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
            self.fields[name].required = False


class TrialForm(forms.ModelForm):
    class Meta:
        model = MedicationTrial
        fields = [
            "name_given",
            "max_daily_dose_mg",
            "weeks_at_dose",
            "when_taken",
            "response",
            "stop_reason",
            "side_effects",
        ]
        labels = {
            "name_given": "Medicine",
            "max_daily_dose_mg": "Highest dose per day, in mg (if you know it)",
            "weeks_at_dose": "About how many weeks at that dose?",
            "when_taken": "Roughly when? (for example: 2022, or last spring)",
            "response": "How much did it help?",
            "stop_reason": "Why did you stop?",
            "side_effects": "Side effects, if any",
        }
        help_texts = {"name_given": "Start typing the generic or brand name, or type any other name."}
        widgets = {
            "name_given": forms.TextInput(attrs={"list": "medication-names", "autocomplete": "off"}),
            "max_daily_dose_mg": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
            "weeks_at_dose": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "520"}),
            "response": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = [c for c in self.fields["response"].choices if c[0]]
        self.fields["stop_reason"].choices = [("", "Choose one")] + [
            c for c in self.fields["stop_reason"].choices if c[0]
        ]
        self.fields["max_daily_dose_mg"].min_value = 0
        self.fields["weeks_at_dose"].max_value = 520

    def clean_max_daily_dose_mg(self):
        dose = self.cleaned_data["max_daily_dose_mg"]
        if dose is not None and not 0 < dose <= 10000:
            raise forms.ValidationError("Please enter the dose in milligrams, for example 50.")
        return dose


class BaseTrialFormSet(forms.BaseFormSet):
    def rows(self):
        """The rows to keep: filled in and not marked for removal."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class OtherTreatmentsForm(StepForm, BooleanAnswersMixin, forms.ModelForm):
    boolean_fields = ("psychotherapy_tried", "prior_ect", "prior_tms", "prior_ketamine")

    psychotherapy_tried = yes_no_field("Have you had talk therapy (psychotherapy) for depression?")
    prior_ect = yes_no_field("Have you had ECT (electroconvulsive therapy)?")
    prior_tms = yes_no_field("Have you had TMS before?")
    prior_ketamine = yes_no_field("Have you had ketamine or esketamine (SPRAVATO) before?")

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
            "psychotherapy_kind": "What kind, if you know? (for example CBT)",
            "psychotherapy_length": "For how long in total?",
            "prior_ect_outcome": "If yes, how did ECT go?",
            "prior_tms_outcome": "If yes, how did TMS go?",
            "prior_ketamine_outcome": "If yes, how did it go?",
            "other_treatments_notes": "Anything else about treatments you have tried? (optional)",
        }
        widgets = {"other_treatments_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {**self._boolean_initial(instance), **kwargs.get("initial", {})}
        super().__init__(*args, instance=instance, **kwargs)
        for name in ("psychotherapy_length", "prior_ect_outcome", "prior_tms_outcome", "prior_ketamine_outcome"):
            self.fields[name].choices = [("", "Choose one")] + [c for c in self.fields[name].choices if c[0]]


class Phq9Form(forms.Form):
    """The nine PHQ-9 items, worded and scored as published (Kroenke, Spitzer & Williams, 2001)."""

    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data, answers=intake.phq9)

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or []
        for number, text in enumerate(screening.PHQ9_ITEMS, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {text}",
                choices=[(str(value), label) for value, label in screening.PHQ9_CHOICES],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose the answer closest to how you have felt."},
            )
            if len(answers) >= number and answers[number - 1] is not None:
                self.initial[f"item_{number}"] = str(answers[number - 1])

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(screening.PHQ9_ITEMS) + 1)]

    def partial_answers(self) -> list[int | None]:
        """After is_valid() failed: each valid answer, and None where an item is blank or invalid."""
        cleaned = getattr(self, "cleaned_data", {})
        return [cleaned.get(f"item_{n}") for n in range(1, len(screening.PHQ9_ITEMS) + 1)]


class AsqForm(forms.Form):
    """The ASQ as NIMH publishes it (booking/crisis.py; English only: no Spanish wording was verified).
    Asked in two parts, as the tool is: questions 1-4, then question 5 only after a positive screen."""

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
                error_messages={"required": "Please choose Yes, No, or I would rather not answer."},
            )

    def answers(self) -> dict[int, str]:
        return {number: self.cleaned_data[f"asq_{number}"] for number in self.numbers}


class SafetyForm(forms.Form):
    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data, answers=intake.safety)

    QUESTIONS = {
        "metal_in_head": "Do you have any metal in or near your head? For example aneurysm clips or coils, "
        "stents, bullet or shrapnel fragments, or metal from welding.",
        "implanted_device": "Do you have an implanted device? For example a pacemaker, defibrillator, cochlear "
        "implant, deep brain or vagus nerve stimulator, or electrodes.",
        "seizure_history": "Have you ever had a seizure or been told you have epilepsy?",
        "serious_head_injury": "Have you had a serious head injury (for example one that knocked you out)?",
        "aneurysm_or_avm": "Have you been told you have an aneurysm (a bulging blood vessel) or an "
        "arteriovenous malformation (AVM)?",
        "brain_bleed_history": "Have you ever had bleeding in the brain?",
        "high_blood_pressure": "Do you have high blood pressure?",
        "pregnant_or_breastfeeding": "Are you pregnant, planning a pregnancy, or breastfeeding?",
        "substance_use": "Do you currently use alcohol or drugs in a way that worries you or others?",
        "has_ride_home": "Could someone drive you home after a treatment visit?",
    }

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for key in (*screening.TMS_SAFETY_KEYS, *screening.SPRAVATO_SAFETY_KEYS):
            self.fields[key] = yes_no_field(self.QUESTIONS[key], unsure=True)
            if key in answers:
                self.initial[key] = _from_bool(answers[key]) or "not_sure"

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in self.fields}

    def tms_fields(self):
        return [self[key] for key in screening.TMS_SAFETY_KEYS]

    def spravato_fields(self):
        return [self[key] for key in screening.SPRAVATO_SAFETY_KEYS]


class ReviewForm(forms.Form):
    @classmethod
    def for_intake(cls, intake, data=None):
        return cls(data)

    confirmed_accurate = forms.BooleanField(
        label="My answers are accurate as far as I know, and I agree to share them with the clinic.",
        error_messages={"required": "Please tick the box to confirm before sending."},
    )
