"""Send every email still owed, in this process, without a broker or a worker."""

import uuid

from django.core.management.base import BaseCommand

from booking.models import Email
from booking.services import emails


class Command(BaseCommand):
    help = "Send pending and retrying emails directly (use when the broker or the worker is down)."

    def add_arguments(self, parser):
        parser.add_argument("--include-failed", action="store_true", help="Also try emails that were marked failed.")

    def handle(self, *args, include_failed=False, **options):
        statuses = [Email.Status.PENDING, Email.Status.RETRYING, Email.Status.SENDING]
        if include_failed:
            Email.objects.filter(status=Email.Status.FAILED).update(status=Email.Status.RETRYING)
        worker_key = f"command-{uuid.uuid4()}"
        sent = 0
        for email_id in Email.objects.filter(status__in=statuses).values_list("pk", flat=True):
            sent += emails.email_send(email_id=email_id, worker_key=worker_key).sent
        self.stdout.write(f"{sent} email(s) sent.")
