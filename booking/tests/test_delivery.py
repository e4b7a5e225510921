"""Confirmation emails through the real stack: Postgres, Redis, a Celery worker
process and an SMTP server. Each fault a clinic will meet sooner or later: Redis
down or hung, SMTP refusing, a worker killed mid-send."""

import re
import runpy
import time
import urllib.request

import pytest
from django.conf import settings

from booking.models import ConsultationRequest, Email
from booking.tests.forms import valid_form_data
from booking.tests.services import (
    Browser,
    Mailbox,
    SilentServer,
    free_port,
    start_smtp,
    start_web,
    start_worker,
    text_of,
    wait_until,
)

pytestmark = pytest.mark.services

HEALTH_DETAILS = ["zebra-lantern-42", "Bluepeak Mutual", "SPRAVATO", "spravato", "1984", "sertraline"]


def settle(mailbox, expected, seconds=3.0):
    """Wait for the expected number of emails, then a little more to catch a duplicate."""
    mailbox.wait_for(expected)
    time.sleep(seconds)
    return mailbox.messages


def test_a_request_delivers_both_emails_once_with_a_working_link_and_no_health_details(client, worker, mailbox):
    data = valid_form_data()
    client.post("/consultation/", data)
    client.post("/consultation/", data)  # a double click

    messages = settle(mailbox, 2)
    assert len(messages) == 2
    request = ConsultationRequest.objects.get()
    by_recipient = {m["To"]: m for m in messages}
    patient = text_of(by_recipient["dana.whitfield@example.com"])
    staff = text_of(by_recipient["coordinator@clinic.example"])

    assert request.reference in patient and request.reference in staff
    assert f"{settings.SITE_URL}/admin/booking/consultationrequest/{request.pk}/change/" in staff
    for detail in HEALTH_DETAILS:
        assert detail not in patient and detail not in staff, detail

    link = re.search(r"https?://\S+/consultation/intake/[\w-]+/", patient).group(0)
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response["Location"] == "/consultation/intake/"
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("redis_fault", ["closed port", "hung server"])
def test_with_redis_down_the_form_still_answers_quickly_and_the_email_follows(
    live_services, smtp, mailbox, processes, redis_fault
):
    silent = SilentServer() if redis_fault == "hung server" else None
    broken_redis = f"redis://127.0.0.1:{silent.port if silent else free_port()}/0"
    web_port = free_port()
    web_env = {**live_services["env"], "REDIS_URL": broken_redis, "EMAIL_URL": f"smtp://127.0.0.1:{smtp}"}
    processes.append(start_web(web_env, live_services["tmp"] / "web.log", web_port))
    try:
        status, page, seconds = Browser(f"http://127.0.0.1:{web_port}").submit_consultation(valid_form_data())
    finally:
        if silent:
            silent.close()

    assert status == 200
    assert "Thank you, we have your request" in page
    print(f"thanks page after {seconds:.2f} s with Redis {redis_fault}")
    assert seconds < 2.0, f"the thanks page took {seconds:.2f} s"
    request = ConsultationRequest.objects.get()
    assert request.reference in page
    assert mailbox.messages == []

    # Redis is back: a worker with its beat sweeps up what was never enqueued.
    worker_env = {**live_services["env"], "EMAIL_URL": f"smtp://127.0.0.1:{smtp}"}
    tmp = live_services["tmp"]
    processes.append(start_worker(worker_env, tmp / "worker.log", beat_schedule=tmp / "beat"))
    messages = settle(mailbox, 2)
    assert sorted(m["To"] for m in messages) == ["coordinator@clinic.example", "dana.whitfield@example.com"]


def test_when_smtp_refuses_the_email_is_retried_and_arrives_exactly_once(live_services, client, processes):
    smtp_port = free_port()  # nothing listens here yet: connections are refused
    env = {**live_services["env"], "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    processes.append(start_worker(env, live_services["tmp"] / "worker.log"))
    client.post("/consultation/", valid_form_data())

    wait_until(
        lambda: Email.objects.filter(status="retrying", attempts__gte=2).count() == 2,
        message="both emails retrying after failed attempts",
    )
    assert "ConnectionRefusedError" in Email.objects.first().last_error

    mailbox = Mailbox()
    controller = start_smtp(smtp_port, mailbox)
    try:
        messages = settle(mailbox, 2)
    finally:
        controller.stop()
    assert len(messages) == 2
    assert set(Email.objects.values_list("status", flat=True)) == {"sent"}


def test_a_pool_process_killed_mid_send_is_replaced_and_the_email_sent_once(live_services, client, processes, settings):
    settings.STAFF_NOTIFICATION_EMAILS = []
    mailbox = Mailbox(hold_first=True)
    port = free_port()
    controller = start_smtp(port, mailbox)
    env = {**live_services["env"], "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    worker = start_worker(env, live_services["tmp"] / "worker.log")
    processes.append(worker)
    try:
        client.post("/consultation/", valid_form_data())
        assert mailbox.holding.wait(30), "the worker never started sending"
        (child,) = worker.children()
        import os
        import signal

        os.kill(child, signal.SIGKILL)
        mailbox.release.set()
        messages = settle(mailbox, 1)
    finally:
        controller.stop()
    assert len(messages) == 1
    email = Email.objects.get()
    assert (email.status, email.attempts) == ("sent", 2)


def test_a_whole_worker_killed_mid_send_is_recovered_by_the_sweep_and_sent_once(
    live_services, client, processes, settings
):
    settings.STAFF_NOTIFICATION_EMAILS = []
    mailbox = Mailbox(hold_first=True)
    port = free_port()
    controller = start_smtp(port, mailbox)
    env = {**live_services["env"], "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    tmp = live_services["tmp"]
    try:
        first = start_worker(env, tmp / "worker-1.log")
        processes.append(first)
        client.post("/consultation/", valid_form_data())
        assert mailbox.holding.wait(30), "the worker never started sending"
        first.kill_all()
        mailbox.release.set()
        assert Email.objects.get().status == "sending"

        processes.append(start_worker(env, tmp / "worker-2.log", beat_schedule=tmp / "beat"))
        messages = settle(mailbox, 1)
    finally:
        controller.stop()
    assert len(messages) == 1
    assert Email.objects.get().status == "sent"


def test_the_web_server_binds_to_this_machine_and_does_not_name_itself(live_services):
    config = runpy.run_path("deploy/gunicorn.conf.py")
    assert config["bind"] == "127.0.0.1:8000" and config["accesslog"] is None
    web_port = free_port()
    web = start_web(live_services["env"], live_services["tmp"] / "web.log", web_port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/consultation/", timeout=10) as response:
            headers = response.headers
    finally:
        web.stop()
    assert "Server" not in headers
    assert "Permissions-Policy" in headers
