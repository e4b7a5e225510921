"""Filled-in consultation forms, as a patient's browser would send them."""

import uuid

from django.core import signing
from django.utils import timezone

from booking.forms import STARTED_SALT


def started_seconds_ago(seconds: float) -> str:
    return signing.dumps(timezone.now().timestamp() - seconds, salt=STARTED_SALT)


def valid_form_data(**overrides) -> dict:
    data = {
        "first_name": "Dana",
        "last_name": "Whitfield",
        "email": "dana.whitfield@example.com",
        "phone": "(202) 555-0143",
        "date_of_birth": "1984-06-02",
        "preferred_contact": "phone",
        "best_times": ["morning", "evening"],
        "interest": "spravato",
        "has_prescriber": "yes",
        "insurance_carrier": "Bluepeak Mutual",
        "heard_about": "doctor",
        "message": "Tried sertraline and bupropion, zebra-lantern-42.",
        "consent_to_contact": "on",
        "privacy_acknowledged": "on",
        "article": "",
        "submission_token": str(uuid.uuid4()),
        "started": started_seconds_ago(30),
        "website": "",
    }
    data.update(overrides)
    return data
