from booking.models.emails import Email
from booking.models.intake import ContraindicationClearance, Intake, Medication, MedicationTrial
from booking.models.packets import LetterTemplate, PacketDetails, TrialCorrection
from booking.models.pipeline import RequestEvent
from booking.models.policies import CarrierPolicy, PayerPolicy
from booking.models.requests import (
    REFERENCE_ALPHABET,
    ConsultationRequest,
    IntakeLink,
    new_reference,
)
from booking.models.sms import SmsConsent, SmsOptOut

__all__ = [
    "REFERENCE_ALPHABET",
    "CarrierPolicy",
    "ConsultationRequest",
    "ContraindicationClearance",
    "Email",
    "Intake",
    "IntakeLink",
    "LetterTemplate",
    "Medication",
    "MedicationTrial",
    "PacketDetails",
    "PayerPolicy",
    "RequestEvent",
    "SmsConsent",
    "SmsOptOut",
    "TrialCorrection",
    "new_reference",
]
