import re

from django.conf import settings


def clinic_details():
    """The clinic's own details, for pages and emails."""
    return {
        "name": settings.CLINIC_NAME,
        "phone": settings.CLINIC_PHONE,
        "phone_href": "tel:" + re.sub(r"[^\d+]", "", settings.CLINIC_PHONE),
        "email": settings.CLINIC_EMAIL,
        "address": settings.CLINIC_ADDRESS,
        "hours": settings.CLINIC_HOURS,
    }


def clinic(request):
    """Shown in the header, the footer and the crisis notice of every page."""
    return {"clinic": clinic_details(), "SITE_URL": settings.SITE_URL}
