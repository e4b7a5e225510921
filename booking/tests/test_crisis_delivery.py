"""Urgent alerts through the real stack: Postgres, Redis, a Celery worker process, an SMTP
server and an on-call webhook receiver that is down at first."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from booking.models import ConsultationRequest, Email
from booking.services import consultation_request_mark_urgent
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.services import free_port, start_worker, text_of, wait_until
from booking.tests.test_intake import fill_first_three_steps, open_intake, step_url

pytestmark = pytest.mark.services

SECRET = "webhook-shared-secret-for-tests"


@pytest.mark.parametrize("action", ["next", "back", "later"])
def test_item9_alone_on_the_page_ends_with_one_urgent_alert_delivered_and_the_support_page(
    client, worker, mailbox, action
):
    call_command("load_medications", verbosity=0)
    consultation = ConsultationRequestFactory()
    open_intake(client, consultation)
    fill_first_three_steps(client)

    response = client.post(step_url(4), {"item_9": "1", "action": action})
    assert response["Location"] == "/consultation/intake/support/"
    support = client.get(response["Location"]).content.decode()
    assert 'href="tel:988"' in support and "We have let our team know" in support

    mailbox.wait_for(1)
    time.sleep(3)  # time enough for a duplicate to show up
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "coordinator@clinic.example"
    assert message["Subject"] == f"Same-day follow-up needed: {consultation.reference}"
    body = text_of(message)
    assert consultation.reference in body and "item 9" not in body and "PHQ" not in body
    consultation.refresh_from_db()
    assert consultation.urgent is True
    assert Email.objects.get(kind="staff_urgent").status == Email.Status.SENT


class Receiver:
    """An on-call service's webhook endpoint: records each POST, answers 200."""

    def __init__(self, port):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_port():
    return free_port()


@pytest.fixture
def webhook_worker(live_services, smtp, processes, webhook_port, settings):
    url = f"http://127.0.0.1:{webhook_port}/hooks/urgent"
    settings.URGENT_ALERT_WEBHOOK_URL = url
    env = {
        **live_services["env"],
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp}",
        "URGENT_ALERT_WEBHOOK_URL": url,
        "URGENT_ALERT_WEBHOOK_SECRET": SECRET,
        "EMAIL_TIMEOUT": "2",
    }
    process = start_worker(env, live_services["tmp"] / "worker.log")
    processes.append(process)
    return process


def test_the_webhook_gets_exactly_one_delivery_after_being_down_with_no_health_details(
    webhook_worker, webhook_port, mailbox
):
    request = ConsultationRequestFactory(message="zebra-lantern-42 sertraline")
    with transaction.atomic():
        consultation_request_mark_urgent(request=request)
    hook = Email.objects.get(kind="urgent_webhook")
    # The receiver is down: the outbox keeps trying.
    wait_until(
        lambda: Email.objects.filter(pk=hook.pk, attempts__gte=2).exists(), timeout=30, message="failed attempts"
    )
    assert Email.objects.get(pk=hook.pk).status in (Email.Status.RETRYING, Email.Status.SENDING)

    receiver = Receiver(webhook_port)
    try:
        wait_until(lambda: receiver.received, timeout=30, message="the webhook delivery")
        time.sleep(3)  # more retries or a redelivery would show up by now
        assert len(receiver.received) == 1
    finally:
        receiver.close()

    path, headers, body = receiver.received[0]
    assert path == "/hooks/urgent"
    payload = json.loads(body)
    request = ConsultationRequest.objects.get(pk=request.pk)
    assert payload["reference"] == request.reference
    assert payload["admin_url"] == f"{settings.SITE_URL}/admin/booking/consultationrequest/{request.pk}/change/"
    assert set(payload) == {"event", "id", "reference", "admin_url", "sequence"}
    for detail in ("zebra-lantern-42", "sertraline", request.first_name, request.last_name, request.email):
        assert detail not in body.decode()
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Clinic-Signature"] == expected
    assert headers["Idempotency-Key"] == payload["id"]
    assert Email.objects.get(pk=hook.pk).status == Email.Status.SENT
    mailbox.wait_for(1)  # and the email alert went too
