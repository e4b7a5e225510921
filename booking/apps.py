from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Consultation requests, the treatment-history intake and its screening, the staff pipeline, the email outbox."""

    name = "booking"
    verbose_name = "Requests and intake"

    def ready(self):
        from django.core import checks

        from booking.checks import urgent_alert_recipient_check

        checks.register(urgent_alert_recipient_check)
        # Registers the outbox's tasks with Celery in every process, so it can enqueue them by name.
        from booking import tasks  # noqa: F401
