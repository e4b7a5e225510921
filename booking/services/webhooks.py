"""Delivering an outbox entry to a webhook (a pager or on-call service) instead of by email.

The outbox (booking/services/emails.py) claims, retries and sweeps these like any email; this
module only makes the HTTP request. The body carries the reference code and the admin link,
never an answer: the receiving service is not trusted with health information.
"""

import hashlib
import hmac
import json
import urllib.request

from django.conf import settings

from booking.models import Email

SIGNATURE_HEADER = "X-Clinic-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def webhook_payload(email: Email) -> bytes:
    request = email.request
    return json.dumps(
        {
            "event": "urgent_follow_up",
            "id": email.message_id.strip("<>"),
            "reference": request.reference,
            "admin_url": settings.SITE_URL + request.get_admin_url(),
            "sequence": email.sequence,
        },
        sort_keys=True,
    ).encode()


def webhook_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(email: Email) -> None:
    """POST to each recipient URL. Raises OSError (urllib's errors are OSErrors) when the service is
    down or answers with an error, so that the outbox retries; the same Idempotency-Key on every
    attempt lets the receiver drop a repeat."""
    body = webhook_payload(email)
    headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: email.message_id.strip("<>")}
    if settings.URGENT_ALERT_WEBHOOK_SECRET:
        headers[SIGNATURE_HEADER] = webhook_signature(body, settings.URGENT_ALERT_WEBHOOK_SECRET)
    for url in email.recipients:
        outgoing = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(outgoing, timeout=settings.EMAIL_TIMEOUT) as response:
            response.read()
