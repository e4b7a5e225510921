"""System checks: production must have someone to receive an urgent alert."""

from django.conf import settings
from django.core.checks import Error

from booking.clinic_hours import ClinicHours


def urgent_alert_recipient_check(app_configs, **kwargs):
    errors = []
    if not settings.LAPTOP and not settings.STAFF_NOTIFICATION_EMAILS and not settings.URGENT_ALERT_WEBHOOK_URL:
        errors.append(
            Error(
                "No one would receive an urgent alert: a patient who reports thoughts of self-harm would be told "
                "the team knows while nobody does.",
                hint="Set STAFF_NOTIFICATION_EMAILS or URGENT_ALERT_WEBHOOK_URL (README.md, 'Configuration').",
                id="booking.E001",
            )
        )
    try:
        ClinicHours.from_strings(settings.CLINIC_OPEN_HOURS, settings.CLINIC_OPEN_DAYS)
    except ValueError as error:
        errors.append(Error(str(error), hint="Set CLINIC_OPEN_HOURS and CLINIC_OPEN_DAYS.", id="booking.E002"))
    return errors
