from datetime import UTC, datetime

import pytest
import time_machine

from booking.tests.factories import ConsultationRequestFactory
from scheduling.tests.factories import AvailabilityFactory, ConsultationTypeFactory, LocationFactory, StaffFactory

# A Monday, a week before clocks in New York go forward (Sunday 2027-03-14, 2:00 -> 3:00).
NOW = datetime(2027, 3, 8, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clinic(db, settings):
    """One location in New York, a 20-minute phone consultation with a 10-minute buffer, and one
    clinician free Monday to Friday, 9:00 to 12:00 local time."""
    settings.CLINIC_NAME = "Riverbend Clinic"
    settings.SCHEDULING_MIN_NOTICE_HOURS = 24
    settings.SCHEDULING_HORIZON_DAYS = 30
    settings.SCHEDULING_CHANGE_WINDOW_HOURS = 24
    settings.SCHEDULING_REMINDER_HOURS = [24, 2]
    settings.SCHEDULING_SLOT_STEP_MINUTES = 30
    location = LocationFactory()
    consultation_type = ConsultationTypeFactory()
    staff = StaffFactory()
    for weekday in range(5):
        AvailabilityFactory(staff=staff, location=location, weekday=weekday)
    return {"location": location, "type": consultation_type, "staff": staff}


@pytest.fixture
def consultation(db):
    return ConsultationRequestFactory()


def book_as(client, consultation):
    """Give a test client the session that made the request, as booking's thanks page does."""
    session = client.session
    session["consultation_thanks"] = {"id": consultation.pk, "token": None}
    session.save()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached day lists are keyed by ids, which the next test's database reuses."""
    from django.core.cache import cache

    cache.clear()
