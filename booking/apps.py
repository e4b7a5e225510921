from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Consultation requests, the treatment-history intake and its screening, the staff pipeline, the email outbox."""

    name = "booking"
    verbose_name = "Requests and intake"

    def ready(self):
        # Registers the outbox's tasks with Celery in every process, so it can enqueue them by name.
        from booking import tasks  # noqa: F401
