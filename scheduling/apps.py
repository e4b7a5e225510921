from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Consultation types, locations, hours, open times, appointments, their emails and reminders."""

    name = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from booking.next_steps import next_step_register
        from scheduling import emails, thanks

        emails.register()
        next_step_register(thanks.booking_invitation)
