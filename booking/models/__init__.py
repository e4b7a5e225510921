from booking.models.emails import Email
from booking.models.intake import Intake, Medication, MedicationTrial
from booking.models.pipeline import RequestEvent
from booking.models.requests import (
    REFERENCE_ALPHABET,
    ConsultationRequest,
    IntakeLink,
    new_reference,
)
from booking.models.sms import SmsConsent, SmsOptOut

__all__ = [
    "REFERENCE_ALPHABET",
    "ConsultationRequest",
    "Email",
    "Intake",
    "IntakeLink",
    "Medication",
    "MedicationTrial",
    "RequestEvent",
    "SmsConsent",
    "SmsOptOut",
    "new_reference",
]
