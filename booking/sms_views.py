"""Twilio's webhooks: texts patients send us (STOP, START, HELP) and delivery reports.

Each request must carry a valid ``X-Twilio-Signature`` for the address we gave Twilio
(SITE_URL and the path); anything else is refused with 403 before it is read.
"""

from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from booking.services import texts
from core import sms


def _signed(request) -> bool:
    url = settings.SITE_URL + request.get_full_path()
    params = {key: request.POST.get(key, "") for key in request.POST}
    return sms.twilio_signature_valid(
        url, params, request.headers.get("X-Twilio-Signature", ""), settings.TWILIO_AUTH_TOKEN
    )


def _twiml(message: str | None) -> HttpResponse:
    inner = f"<Message>{escape(message)}</Message>" if message else ""
    return HttpResponse(f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>', content_type="text/xml")


@csrf_exempt  # Twilio cannot send a CSRF token; the signature proves who is calling.
@require_POST
def inbound(request):
    if not _signed(request):
        return HttpResponseForbidden()
    answer = texts.sms_reply_receive(phone=request.POST.get("From", ""), body=request.POST.get("Body", ""))
    return _twiml(answer)


@csrf_exempt
@require_POST
def status(request):
    if not _signed(request):
        return HttpResponseForbidden()
    texts.sms_status_record(
        provider_id=request.POST.get("MessageSid", ""), status=request.POST.get("MessageStatus", "")
    )
    return HttpResponse(status=204)
