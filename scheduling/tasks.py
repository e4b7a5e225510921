"""Celery tasks for scheduling: thin wrappers around services."""

from celery import shared_task

from scheduling import services


@shared_task(ignore_result=True)
def queue_reminders():
    """Queue due reminders (run every minute by beat; each is queued once, see the service)."""
    return services.reminders_queue()
