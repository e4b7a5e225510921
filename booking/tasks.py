"""Celery tasks: thin wrappers that take an id (or nothing) and call a service."""

from celery import shared_task

from booking.services import emails, screening, urgent


@shared_task(bind=True, max_retries=None, ignore_result=True)
def send_email(self, email_id):
    # The service decides when to give up (EMAIL_MAX_ATTEMPTS) and records it.
    outcome = emails.email_send(email_id=email_id, worker_key=self.request.id or "")
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)


@shared_task(ignore_result=True)
def sweep_emails():
    """Enqueue anything unsent: requests made while Redis was down, stalled retries, dead workers."""
    return emails.emails_enqueue_due()


@shared_task(ignore_result=True, acks_late=True)
def recompute_screenings():
    """Recompute every stored screening summary after staff edit the catalog or a policy."""
    return screening.screenings_recompute()


@shared_task(ignore_result=True)
def escalate_urgent_alerts():
    """Send again, and escalate once, urgent alerts nobody acknowledged in time."""
    return urgent.urgent_alerts_escalate()
