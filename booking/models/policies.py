"""Payer policies as data in the database, and which policy each insurance carrier uses.

A policy row holds ``booking.policies.Policy.to_dict()``; ``policy()`` builds the pure policy the
screening rules read. Loaded from booking/data/policies.json by ``load_policies`` (which keeps
staff edits); every staff edit raises the revision, and summaries name the revision they used.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from booking import policies
from booking.safety_questions import TREATMENTS


class PayerPolicy(models.Model):
    key = models.SlugField("policy id", max_length=60, unique=True, help_text="As in the data: aetna_cpb_0469.")
    treatment = models.CharField(max_length=10, choices=[(t, t.upper()) for t in TREATMENTS], editable=False)
    title = models.CharField(max_length=300, editable=False)
    data = models.JSONField(
        help_text="The policy's source, criteria (each with its citation or clinic reason) and exclusions. "
        "Checked before it is saved."
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["treatment", "key"]
        verbose_name = "payer policy"
        verbose_name_plural = "payer policies"

    def __str__(self):
        return f"{self.title} ({self.key}, revision {self.revision})"

    def clean(self):
        try:
            policy = policies.policy_from_dict(self.data or {})
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            raise ValidationError({"data": str(error)}) from None
        if self.key and policy.id != self.key:
            raise ValidationError({"data": f"The id in the data ({policy.id}) must be the policy id ({self.key})."})
        if self.pk is not None and self.treatment and policy.treatment != self.treatment:
            raise ValidationError({"data": "A policy keeps its treatment; add a new policy instead."})
        self.treatment = policy.treatment
        self.title = policy.source.title[:300]

    def policy(self) -> policies.Policy:
        return policies.policy_from_dict(self.data)


class CarrierPolicy(models.Model):
    """The policies a request uses when its insurance carrier has this name (any case)."""

    carrier = models.CharField(max_length=120, help_text="As patients type it; matched without regard to case.")
    tms_policy = models.ForeignKey(
        PayerPolicy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"treatment": "tms"},
        help_text="Blank: the clinic's default.",
    )
    spravato_policy = models.ForeignKey(
        PayerPolicy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"treatment": "spravato"},
        help_text="Blank: the clinic's default.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["carrier"]
        verbose_name = "insurance carrier's policy"
        verbose_name_plural = "insurance carriers' policies"
        constraints = [models.UniqueConstraint(Lower("carrier"), name="carrier_policy_unique_carrier")]

    def __str__(self):
        return self.carrier

    def clean(self):
        self.carrier = self.carrier.strip()
        if self.tms_policy_id and self.tms_policy.treatment != "tms":
            raise ValidationError({"tms_policy": "Choose a TMS policy."})
        if self.spravato_policy_id and self.spravato_policy.treatment != "spravato":
            raise ValidationError({"spravato_policy": "Choose a SPRAVATO policy."})
        clash = CarrierPolicy.objects.filter(carrier__iexact=self.carrier).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"carrier": "This carrier already has its policies."})
