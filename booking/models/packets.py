"""What staff add for a prior-authorization packet. The patient's own answers are never changed:
corrections are kept beside them, shown as staff-entered, and each one is on the timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from booking.models.intake import MedicationTrial
from booking.models.requests import ConsultationRequest


class PacketDetails(models.Model):
    """The fields a payer's form asks for that the patient was not asked."""

    request = models.OneToOneField(ConsultationRequest, on_delete=models.CASCADE, related_name="packet_details")
    member_id = models.CharField("insurance member id", max_length=60, blank=True)
    group_number = models.CharField(max_length=60, blank=True)
    diagnosis_code = models.CharField(
        "diagnosis code (ICD-10)", max_length=20, blank=True, help_text="As confirmed by the treating clinician."
    )
    referring_clinician = models.CharField(max_length=200, blank=True)
    treating_clinician = models.CharField(max_length=200, blank=True)
    treating_credentials = models.CharField(max_length=100, blank=True)
    treating_npi = models.CharField("treating clinician's NPI", max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "prior-authorization details"
        verbose_name_plural = "prior-authorization details"
        permissions = [("generate_packet", "Can prepare prior-authorization packets")]

    def __str__(self):
        return f"Prior-authorization details for {self.request.reference}"


class TrialCorrection(models.Model):
    """A staff-entered correction to one medication trial, for example dates confirmed from pharmacy
    records. Blank fields keep what the patient wrote."""

    trial = models.OneToOneField(MedicationTrial, on_delete=models.CASCADE, related_name="correction")
    max_daily_dose = models.DecimalField("highest daily dose", max_digits=8, decimal_places=3, null=True, blank=True)
    weeks_at_dose = models.PositiveSmallIntegerField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    current_episode = models.BooleanField("in the current episode", null=True, blank=True)
    stopped_for_side_effects = models.BooleanField(null=True, blank=True)
    source = models.CharField(
        "confirmed from", max_length=200, help_text="For example: pharmacy records, prescriber's notes."
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Staff correction to {self.trial}"


class LetterTemplate(models.Model):
    """The clinic's letter of medical necessity. ``$name`` placeholders are filled from the packet;
    the available names are listed in the admin."""

    treatment = models.CharField(max_length=10, choices=[("tms", "TMS"), ("spravato", "SPRAVATO")], unique=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Letter of medical necessity ({self.get_treatment_display()})"
