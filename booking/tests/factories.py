from datetime import date

import factory
from django.utils import timezone

from booking.models import ConsultationRequest


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationRequest

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    phone = "+12025550123"
    date_of_birth = date(1985, 4, 12)
    preferred_contact = ConsultationRequest.ContactMethod.PHONE
    interest = ConsultationRequest.Interest.TMS
    has_prescriber = ConsultationRequest.Prescriber.YES
    consent_to_contact = True
    privacy_acknowledged_at = factory.LazyFunction(timezone.now)
