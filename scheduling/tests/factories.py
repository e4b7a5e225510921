from datetime import time

import factory
from django.contrib.auth import get_user_model

from scheduling.models import Availability, ConsultationType, Location


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"clinician{n}")
    first_name = factory.Faker("first_name")
    is_staff = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = "Main office"
    address = "100 Main Street, Springfield"
    time_zone = "America/New_York"


class ConsultationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationType

    name = "Free phone consultation"
    mode = ConsultationType.Mode.PHONE
    duration_minutes = 20
    buffer_minutes = 10


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    staff = factory.SubFactory(StaffFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(12, 0)
