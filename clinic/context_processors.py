import re

from django.conf import settings


def clinic(request):
    """The clinic's own details, shown in the header, footer and crisis notice."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "phone": settings.CLINIC_PHONE,
            "phone_href": "tel:" + re.sub(r"[^\d+]", "", settings.CLINIC_PHONE),
            "email": settings.CLINIC_EMAIL,
            "address": settings.CLINIC_ADDRESS,
            "hours": settings.CLINIC_HOURS,
        },
        "SITE_URL": settings.SITE_URL,
    }
