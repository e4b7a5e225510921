"""Text messages: consent, replies (STOP, START, HELP) and the provider's delivery reports.

Texts travel through the outbox like emails (booking/services/emails.py, channel "sms"); this
module decides whether a number may receive them and records what the provider tells us. A
text names the clinic, a date, a time, a place and a private link; never a treatment or a
condition.
"""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from booking.models import ConsultationRequest, Email, RequestEvent, SmsConsent, SmsOptOut
from booking.models.emails import KIND_CHANNELS
from booking.models.sms import consent_text
from core import quiet_hours
from core.context_processors import clinic_details

logger = logging.getLogger(__name__)

# The usual opt-out and opt-in words, matched on the whole reply, whatever its case. Twilio itself
# handles STOP, UNSUBSCRIBE, END, QUIT, STOPALL, REVOKE, OPTOUT and CANCEL on long-code numbers by
# default (Twilio, "Customize users' opt-in and opt-out experience with Advanced Opt-Out",
# https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out), so we honour the same list.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}

# The order of Twilio's statuses, so that a late "sent" never hides a "delivered".
_STATUS_RANK = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "undelivered": 4, "failed": 4}


def sms_enabled() -> bool:
    return bool(settings.SMS_BACKEND)


def sms_consent_text() -> str:
    return consent_text(settings.CLINIC_NAME)


def sms_consent_record(*, request: ConsultationRequest, text: str) -> SmsConsent:
    """Keep the patient's yes with the words they saw and the number it covers."""
    consent, _ = SmsConsent.objects.update_or_create(
        request=request, defaults={"phone": request.phone, "text": text, "given_at": timezone.now()}
    )
    RequestEvent.objects.create(request=request, kind=RequestEvent.Kind.EMAIL, text="Agreed to reminder texts.")
    return consent


def sms_allowed(request: ConsultationRequest) -> bool:
    """Texts only with the patient's consent for this number, and never after a STOP from it."""
    if not sms_enabled():
        return False
    consent = SmsConsent.objects.filter(request=request).first()
    if consent is None or consent.phone != request.phone:
        return False
    return not SmsOptOut.objects.stopped_numbers([request.phone])


def sms_hold_until(email: Email, now: datetime) -> datetime | None:
    """When a text now due may go instead, if now is inside the patient's quiet hours."""
    quiet = quiet_hours.QuietHours.parse(settings.SMS_QUIET_HOURS)
    tz_name = email.context.get("tz") or settings.TIME_ZONE
    tz = ZoneInfo(tz_name)
    if not quiet_hours.is_quiet(now, tz, quiet):
        return None
    return quiet_hours.quiet_end_after(now, tz, quiet)


def sms_reply_receive(*, phone: str, body: str) -> str | None:
    """Act on a text a patient sent us; return the answer to text back, if any.

    STOP and its synonyms stop every text to that number at once, queued ones included; START
    restarts them; HELP answers with the clinic's contact. Anything else is not read by anyone,
    and the answer says so, with where to get help now.
    """
    word = "".join(ch for ch in body.strip().upper() if ch.isalnum())
    clinic = settings.CLINIC_NAME
    if word in STOP_WORDS:
        with transaction.atomic():
            SmsOptOut.objects.create(phone=phone, action=SmsOptOut.Action.STOP, keyword=word)
            stopped = _texts_to(phone).filter(
                status__in=[Email.Status.PENDING, Email.Status.RETRYING, Email.Status.SENDING]
            )
            stopped.update(
                status=Email.Status.SUPERSEDED, last_error="Superseded: the patient replied STOP.", next_attempt_at=None
            )
            for request_id in ConsultationRequest.objects.filter(phone=phone).values_list("pk", flat=True):
                RequestEvent.objects.create(
                    request_id=request_id, kind=RequestEvent.Kind.EMAIL, text=f"Replied {word}: no more texts."
                )
        logger.info("A number replied %s; its texts are stopped.", word)
        # Carriers and Twilio confirm an opt-out themselves; a second confirmation would be noise.
        return None
    if word in START_WORDS:
        with transaction.atomic():
            SmsOptOut.objects.create(phone=phone, action=SmsOptOut.Action.START, keyword=word)
            for request_id in ConsultationRequest.objects.filter(phone=phone).values_list("pk", flat=True):
                RequestEvent.objects.create(
                    request_id=request_id, kind=RequestEvent.Kind.EMAIL, text=f"Replied {word}: texts restarted."
                )
        return None
    # The answer in the language of the patient who has this number, whoever's process reads the reply.
    with translation.override(_language_of(phone)):
        contact = {
            "clinic": clinic,
            "phone": settings.CLINIC_PHONE,
            "email": settings.CLINIC_EMAIL,
            "hours": clinic_details()["hours"],
        }
        if word in HELP_WORDS:
            return (
                gettext(
                    "%(clinic)s: call %(phone)s or email %(email)s (%(hours)s). "
                    "Reply STOP to stop texts. In a crisis call or text 988."
                )
                % contact
            )
        return (
            gettext(
                "%(clinic)s: texts to this number are not read. Please call %(phone)s. "
                "In a crisis call or text 988, or call 911."
            )
            % contact
        )


def _language_of(phone: str) -> str:
    """The language of the latest request from this number; the clinic's when none is known."""
    language = (
        ConsultationRequest.objects.filter(phone=phone)
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


def sms_status_record(*, provider_id: str, status: str) -> bool:
    """Keep the provider's latest word on a text (queued, sent, delivered, failed...)."""
    status = status.strip().lower()[:20]
    if not provider_id or status not in _STATUS_RANK:
        return False
    with transaction.atomic():
        text = Email.objects.select_for_update().filter(provider_id=provider_id).first()
        if text is None:
            return False
        if _STATUS_RANK[status] >= _STATUS_RANK.get(text.delivery_status, -1):
            text.delivery_status = status
            text.save(update_fields=["delivery_status"])
    return True


def _texts_to(phone):
    kinds = [key for key, channel in KIND_CHANNELS.items() if channel == "sms"]
    return Email.objects.filter(kind__in=kinds, recipients__contains=[str(phone)])
