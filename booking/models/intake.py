"""The treatment-history intake and the medication catalog it draws on."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from booking import screening
from booking.models.requests import ConsultationRequest


class Medication(models.Model):
    """A catalog entry, loaded from booking/data/medications.csv and editable by staff."""

    generic = models.CharField(max_length=100, unique=True)
    brands = models.CharField(max_length=200, blank=True, help_text="Brand names separated by semicolons.")
    drug_class = models.CharField(max_length=40, choices=[(c, c) for c in screening.DRUG_CLASSES])
    min_adequate_daily_dose = models.DecimalField(
        "minimum adequate daily dose",
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="In the dose unit below. Used to count a trial as adequate. Leave blank when no source states "
        "a figure.",
    )
    dose_unit = models.CharField(max_length=3, choices=[(u, u) for u in screening.DOSE_UNITS], default="mg")
    dose_source = models.CharField(
        max_length=200, blank=True, help_text="Where the minimum dose was taken from (label, instrument, year)."
    )
    augmentation = models.BooleanField(default=False, help_text="Added to an antidepressant rather than used alone.")
    components = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a combination product: the generic names of the antidepressants it contains, separated "
        "by semicolons. Each is also counted as a trial of that medicine.",
    )
    fixed_course_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a product given as a fixed course (for example 14 days)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["generic"]

    def __str__(self):
        return f"{self.generic} ({self.brands.replace(';', ',')})" if self.brands else self.generic

    def as_catalog_row(self):
        return {
            "generic": self.generic,
            "brands": self.brands,
            "drug_class": self.drug_class,
            "min_adequate_daily_dose": self.min_adequate_daily_dose,
            "dose_unit": self.dose_unit,
            "dose_source": self.dose_source,
            "augmentation": self.augmentation,
            "components": self.components,
            "fixed_course_days": self.fixed_course_days,
        }


OUTCOME_CHOICES = [(key, screening.OUTCOME_LABELS[key]) for key in screening.OUTCOMES]


class Intake(models.Model):
    class Diagnosis(models.TextChoices):
        MAJOR_DEPRESSION = "major_depression", "Major depression (major depressive disorder)"
        BIPOLAR = "bipolar", "Bipolar disorder"
        OTHER = "other", "Something else"
        NOT_SURE = "not_sure", "I am not sure / no one has told me"

    class EpisodeLength(models.TextChoices):
        UNDER_6_MONTHS = "lt6m", "Less than 6 months"
        MONTHS_6_12 = "6to12m", "6 to 12 months"
        YEARS_1_2 = "1to2y", "1 to 2 years"
        OVER_2_YEARS = "gt2y", "More than 2 years"
        NOT_SURE = "not_sure", "Not sure"

    class TherapyLength(models.TextChoices):
        UNDER_6_WEEKS = "lt6w", "Less than 6 weeks"
        WEEKS_6_12 = "6to12w", "6 to 12 weeks"
        MONTHS_3_6 = "3to6m", "3 to 6 months"
        OVER_6_MONTHS = "gt6m", "More than 6 months"

    class Outcome(models.TextChoices):
        HELPED_A_LOT = "a_lot", "It helped a lot"
        HELPED_A_LITTLE = "a_little", "It helped a little"
        DID_NOT_HELP = "no", "It did not help"
        NOT_SURE = "not_sure", "Not sure"

    # Months and weeks the screening rules count for each range: the lower bound,
    # so a range never claims more than the patient said.
    EPISODE_MONTHS = {"lt6m": 0, "6to12m": 6, "1to2y": 12, "gt2y": 24}
    THERAPY_WEEKS = {"lt6w": 0, "6to12w": 6, "3to6m": 13, "gt6m": 26}

    request = models.OneToOneField(ConsultationRequest, on_delete=models.CASCADE, related_name="intake")
    furthest_step = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Step 1: depression now
    diagnosis = models.CharField("what a clinician has told you", max_length=20, choices=Diagnosis.choices, blank=True)
    episode_length = models.CharField(max_length=10, choices=EpisodeLength.choices, blank=True)
    current_prescriber = models.CharField(max_length=200, blank=True)
    current_medicines = models.TextField(max_length=2000, blank=True)

    # Step 3: other treatments
    psychotherapy_tried = models.BooleanField(null=True)
    psychotherapy_kind = models.CharField(max_length=200, blank=True)
    psychotherapy_length = models.CharField(max_length=10, choices=TherapyLength.choices, blank=True)
    prior_ect = models.BooleanField("ECT before", null=True)
    prior_ect_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    prior_tms = models.BooleanField("TMS before", null=True)
    prior_tms_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    prior_ketamine = models.BooleanField("ketamine or esketamine before", null=True)
    prior_ketamine_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    other_treatments_notes = models.TextField(max_length=2000, blank=True)

    # Step 4: PHQ-9, nine answers 0-3 (None where not answered)
    phq9 = models.JSONField(default=list, blank=True)
    # Which published wording of the PHQ-9 the answers are to ("en", "es"; booking/intake_phq9.py).
    phq9_language = models.CharField("PHQ-9 version answered", max_length=8, blank=True, editable=False)

    # The ASQ follow-up after a positive item 9 (booking/crisis.py): five answers, "yes", "no",
    # "declined" or None, and the outcome score_asq gave them.
    asq = models.JSONField("ASQ answers", default=list, blank=True, editable=False)
    asq_outcome = models.CharField("ASQ result", max_length=20, blank=True, editable=False)

    # Step 5: safety answers keyed as in booking/safety_questions.py: True (yes), False (no),
    # "not_sure"; a key that is absent or None was not answered.
    safety = models.JSONField(default=dict, blank=True)

    # Step 6
    confirmed_accurate = models.BooleanField(default=False)

    # The screening summary, kept with the intake; the columns beside it let the
    # admin list filter and sort without reading the JSON.
    screening = models.JSONField(default=dict, blank=True, editable=False)
    screening_version = models.PositiveSmallIntegerField(null=True, editable=False)
    phq9_total = models.PositiveSmallIntegerField(null=True, editable=False)
    phq9_band = models.CharField(max_length=20, blank=True, editable=False)
    tms_outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, blank=True, editable=False, db_index=True)
    spravato_outcome = models.CharField(
        max_length=20, choices=OUTCOME_CHOICES, blank=True, editable=False, db_index=True
    )
    # The policies the outcomes were read under: their ids and, as staff edit them, revisions.
    tms_policy_key = models.CharField(max_length=60, blank=True, editable=False)
    tms_policy_revision = models.PositiveIntegerField(null=True, editable=False)
    spravato_policy_key = models.CharField(max_length=60, blank=True, editable=False)
    spravato_policy_revision = models.PositiveIntegerField(null=True, editable=False)
    has_contraindication = models.BooleanField(default=False, editable=False, db_index=True)
    has_safety_flags = models.BooleanField(default=False, editable=False, db_index=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Intake for {self.request.reference}"

    @property
    def state(self):
        return "complete" if self.submitted_at else "in_progress"


class YesNoUnsure(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class MedicationTrial(models.Model):
    class Response(models.TextChoices):
        NONE = "none", "Not at all"
        LITTLE = "little", "A little"
        A_LOT = "a_lot", "A lot"

    class StopReason(models.TextChoices):
        NO_HELP = "no_help", "It did not help"
        SIDE_EFFECTS = "side_effects", "Side effects"
        COST = "cost", "Cost or insurance"
        OTHER = "other", "Another reason"
        STILL_TAKING = "still_taking", "I am still taking it"

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="trials")
    position = models.PositiveSmallIntegerField(default=0)
    medication = models.ForeignKey(Medication, null=True, blank=True, on_delete=models.SET_NULL)
    name_given = models.CharField("medicine", max_length=200, help_text="As the patient typed it.")
    # In dose_unit: the unit of the medicine in the catalog when the patient saved it (liothyronine
    # is dosed in micrograms), so a later catalog edit never changes what the number meant.
    max_daily_dose = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    dose_unit = models.CharField(max_length=3, choices=[(u, u) for u in screening.DOSE_UNITS], default="mg")
    # A combination product (olanzapine-fluoxetine, dextromethorphan-bupropion): the daily dose of
    # the antidepressant it contains, in mg.
    component_dose = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    weeks_at_dose = models.PositiveSmallIntegerField(null=True, blank=True)
    when_taken = models.CharField(max_length=100, blank=True)
    current_episode = models.CharField(
        "during the current period of depression", max_length=10, choices=YesNoUnsure.choices, blank=True
    )
    response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    stop_reason = models.CharField(max_length=15, choices=StopReason.choices, blank=True)
    side_effects = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name_given

    @property
    def dose_text(self) -> str:
        """The dose as the patient typed it, with its unit: "150 mg", "25 mcg", never "150.000 mg"."""
        if self.max_daily_dose is None:
            return ""
        return f"{format_decimal(self.max_daily_dose)} {self.dose_unit}"


class ContraindicationClearance(models.Model):
    """A clinician's clearance of one reported contraindication or exclusion of an intake."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="clearances")
    key = models.CharField(max_length=60, choices=[(q.key, q.label) for q in screening.SAFETY_QUESTIONS])
    note = models.TextField(max_length=2000)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as written at the time, so the summary still names who cleared it if the account goes.
    cleared_by_name = models.CharField(max_length=150)
    cleared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cleared_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["intake", "key"], name="one_clearance_per_question")]
        permissions = [("clear_contraindication", "Can clear a reported contraindication")]

    def __str__(self):
        return f"{self.get_key_display()} cleared by {self.cleared_by_name}"


def format_decimal(value) -> str:
    """A stored decimal as typed: 150, 12.5, 0.025."""
    return format(value.normalize(), "f")
