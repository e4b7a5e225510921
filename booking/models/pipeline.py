"""The request's timeline: status changes, notes and other staff actions, in order."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from booking.models.requests import ConsultationRequest


class RequestEvent(models.Model):
    class Kind(models.TextChoices):
        STATUS = "status", "Status changed"
        NOTE = "note", "Note"
        ASSIGNED = "assigned", "Assigned"
        URGENT = "urgent", "Marked urgent"
        CRISIS = "crisis", "Crisis follow-up"
        ACKNOWLEDGED = "acknowledged", "Urgent alert acknowledged"
        ESCALATED = "escalated", "Urgent alert escalated"
        LINK = "link", "Intake link"
        EMAIL = "email", "Email"
        APPOINTMENT = "appointment", "Appointment"
        PACKET = "packet", "Prior authorization"
        CLEARANCE = "clearance", "Contraindication cleared"

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=30, choices=ConsultationRequest.Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ConsultationRequest.Status.choices, blank=True)
    text = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["request", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.request.reference}"
