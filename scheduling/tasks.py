"""Celery tasks for scheduling: thin wrappers around services."""

from celery import shared_task

from scheduling import services, waitlist


@shared_task(ignore_result=True)
def queue_reminders():
    """Queue due reminders (run every minute by beat; each is queued once, see the service)."""
    return services.reminders_queue()


@shared_task(ignore_result=True)
def offer_waitlist_times():
    """Offer open times to the waitlist (after a cancellation or a move, and every few minutes)."""
    return waitlist.waitlist_offers_make()
