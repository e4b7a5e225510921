from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Consultation types, locations, hours, open times, appointments, their emails and reminders."""

    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from booking.next_steps import next_step_register

        # tasks: registered with Celery in every process, so a cancellation can enqueue the
        # waitlist's offers by name.
        from scheduling import emails, tasks, thanks  # noqa: F401

        emails.register()
        next_step_register(thanks.booking_invitation)
