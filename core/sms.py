"""Text messages: one small interface, ``send(to, body, status_callback) -> provider_id``.

``SMS_BACKEND`` picks the implementation: ``console`` (the laptop default: the text is
written to the log) or ``twilio`` (Twilio's Messages REST API over plain HTTPS). Callers
(the outbox in booking/services/emails.py) record, retry and never send twice; this module
only makes the request. A failed request raises ``SmsError``, an ``OSError``, so the outbox
treats it as a delivery problem and tries again later.

Twilio's API (https://www.twilio.com/docs/messaging/api/message-resource): a form-encoded POST
to ``/2010-04-01/Accounts/{AccountSid}/Messages.json`` with ``To``, ``From``, ``Body`` and an
optional ``StatusCallback``, authenticated with HTTP Basic (account SID and auth token); the
answer is a JSON message with its ``sid`` and ``status``. Its webhooks are signed in
``X-Twilio-Signature`` (https://www.twilio.com/docs/usage/webhooks/webhooks-security): HMAC-SHA1,
keyed with the auth token, of the full URL followed by each POST parameter's name and value,
sorted by name, base64-encoded.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping

from django.conf import settings

logger = logging.getLogger(__name__)

# Characters of the GSM 03.38 default alphabet (and its extension table, which costs two each):
# a text of only these fits 160 per segment, 153 when split; anything else, 70 and 67.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")


class SmsError(OSError):
    """The provider refused the message or could not be reached."""


def segments(body: str) -> int:
    """How many SMS segments a text takes (what the patient's phone stitches back together)."""
    if all(ch in _GSM or ch in _GSM_EXTENDED for ch in body):
        length = sum(2 if ch in _GSM_EXTENDED else 1 for ch in body)
        single, part = 160, 153
    else:
        length = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if length <= single else -(-length // part)


def send(to: str, body: str, status_callback: str | None = None) -> str:
    """Send one text and return the provider's id for it."""
    backend = settings.SMS_BACKEND
    if backend == "twilio":
        return _twilio_send(to, body, status_callback)
    if backend == "console":
        provider_id = f"console-{uuid.uuid4().hex}"
        # The console backend stands in for the provider on a laptop only (DEBUG).
        logger.info("Text message %s to %s:\n%s", provider_id, to, body)
        return provider_id
    raise SmsError(f"Unknown SMS_BACKEND {backend!r}.")


def _twilio_send(to, body, status_callback):
    sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
    if not (sid and token and settings.TWILIO_FROM_NUMBER):
        raise SmsError("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER must be set.")
    fields = {"To": to, "From": settings.TWILIO_FROM_NUMBER, "Body": body}
    if status_callback:
        fields["StatusCallback"] = status_callback
    url = f"{settings.TWILIO_API_BASE_URL.rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
    credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
    outgoing = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=settings.SMS_TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        # Twilio explains a refusal in a JSON body (code and message); never the text itself.
        detail = _error_detail(exc)
        raise SmsError(f"Twilio answered {exc.code}{detail}") from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise SmsError(f"Twilio could not be reached: {exc}") from exc
    if not answer.get("sid"):
        raise SmsError("Twilio's answer had no message sid.")
    if answer.get("status") == "failed":
        raise SmsError(f"Twilio marked the message failed (code {answer.get('error_code')}).")
    return answer["sid"]


def _error_detail(exc):
    try:
        data = json.loads(exc.read() or b"{}")
    except ValueError:
        return ""
    return f" (code {data.get('code')}: {data.get('message', '')})"[:200] if data else ""


def twilio_signature(url: str, params: Mapping[str, str], auth_token: str) -> str:
    """The ``X-Twilio-Signature`` Twilio sends with a form-encoded webhook to ``url``."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(url: str, params: Mapping[str, str], signature: str, auth_token: str) -> bool:
    if not (signature and auth_token):
        return False
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)
