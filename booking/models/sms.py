"""Consent to text messages, and the replies that stop or restart them."""

from django.db import models
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from booking.models.requests import ConsultationRequest


def consent_text(clinic_name: str) -> str:
    """The words shown beside the tick box; stored as shown with each consent."""
    return (
        f"Send me text message reminders of my appointments, and offers of earlier times, from {clinic_name} "
        "at the mobile number above. Texts carry no health details. Message and data rates may apply. "
        "Reply STOP to stop at any time, HELP for help. This is not needed to get care."
    )


class SmsConsent(models.Model):
    """A patient's yes to reminder texts: the words they saw, when, and for which number."""

    request = models.OneToOneField(ConsultationRequest, on_delete=models.CASCADE, related_name="sms_consent")
    phone = PhoneNumberField()
    text = models.TextField()
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "text message consent"

    def __str__(self):
        return f"Text consent for {self.request.reference}"


class SmsOptOutQuerySet(models.QuerySet):
    def stopped_numbers(self, phones):
        """Which of these numbers asked most recently to stop."""
        latest = {}
        for phone, action in self.filter(phone__in=phones).order_by("received_at", "pk").values_list("phone", "action"):
            latest[str(phone)] = action
        return {phone for phone, action in latest.items() if action == SmsOptOut.Action.STOP}


class SmsOptOut(models.Model):
    """A STOP (or START) received from a number: the latest one decides, for every request with it."""

    class Action(models.TextChoices):
        STOP = "stop", "Stopped texts"
        START = "start", "Restarted texts"

    phone = PhoneNumberField(db_index=True)
    action = models.CharField(max_length=5, choices=Action.choices)
    keyword = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)

    objects = SmsOptOutQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "text message opt-out"

    def __str__(self):
        return f"{self.get_action_display()} ({self.keyword}) {self.received_at:%Y-%m-%d %H:%M}"
