"""An email retried after a worker died carries one working link, never two; and nothing
revives an email that a later change made untrue."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from booking.models import Email, IntakeLink
from booking.services import emails, links
from booking.tests.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


def test_a_retry_of_the_same_email_replaces_the_link_it_carries(settings):
    request = ConsultationRequestFactory()
    email = Email.objects.create(request=request, kind="request_received", recipients=[request.email])
    # A worker claimed the email, minted its link, and died before marking it sent.
    emails.email_send(email_id=email.pk, worker_key="worker-a")
    first = IntakeLink.objects.get(email=email)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS + 1),
    )
    emails.email_send(email_id=email.pk, worker_key="worker-b")
    assert len(mail.outbox) == 2
    usable = list(IntakeLink.objects.filter(request=request).usable())
    assert len(usable) == 1 and usable[0].pk != first.pk and usable[0].email_id == email.pk


def test_include_failed_does_not_revive_superseded_emails():
    request = ConsultationRequestFactory()
    failed = Email.objects.create(request=request, kind="request_received", recipients=[request.email], status="failed")
    superseded = Email.objects.create(
        request=request, kind="intake_link_reissued", recipients=[request.email], status="superseded"
    )
    call_command("send_pending_emails", "--include-failed", verbosity=0)
    failed.refresh_from_db()
    superseded.refresh_from_db()
    assert failed.status == Email.Status.SENT
    assert superseded.status == Email.Status.SUPERSEDED
    assert [m.subject for m in mail.outbox] == [f"We received your request ({request.reference})"]


def test_a_link_issued_without_an_email_is_left_alone_by_a_retry():
    request = ConsultationRequestFactory()
    links.intake_link_issue(request=request)
    email = Email.objects.create(request=request, kind="request_received", recipients=[request.email])
    emails.email_send(email_id=email.pk, worker_key="w")
    assert IntakeLink.objects.filter(request=request).usable().count() == 2
