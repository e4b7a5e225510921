from booking.models.emails import Email
from booking.models.intake import Intake, Medication, MedicationTrial
from booking.models.packets import LetterTemplate, PacketDetails, TrialCorrection
from booking.models.pipeline import RequestEvent
from booking.models.requests import (
    REFERENCE_ALPHABET,
    ConsultationRequest,
    IntakeLink,
    new_reference,
)

__all__ = [
    "REFERENCE_ALPHABET",
    "ConsultationRequest",
    "Email",
    "Intake",
    "IntakeLink",
    "LetterTemplate",
    "Medication",
    "MedicationTrial",
    "PacketDetails",
    "RequestEvent",
    "TrialCorrection",
    "new_reference",
]
