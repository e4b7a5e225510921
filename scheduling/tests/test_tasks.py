from datetime import UTC, datetime, timedelta

from django.conf import settings

from booking.models import Email
from scheduling import services
from scheduling.models import AppointmentEmail
from scheduling.tasks import queue_reminders

TUESDAY_9 = datetime(2027, 3, 9, 14, 0, tzinfo=UTC)


def test_beat_queues_reminders_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["queue-appointment-reminders"]
    assert entry["task"] == "scheduling.tasks.queue_reminders"
    assert entry["schedule"] == 60.0


def test_the_task_queues_what_is_due_once(clinic, consultation, now):
    services.appointment_book(
        request=consultation, consultation_type=clinic["type"], location=clinic["location"], start=TUESDAY_9
    )
    now.move_to(TUESDAY_9 - timedelta(hours=2))
    assert queue_reminders() == 1
    assert queue_reminders() == 0
    assert Email.objects.filter(kind=AppointmentEmail.REMINDER).count() == 1
