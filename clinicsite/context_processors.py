from django.conf import settings

from clinicsite import translations
from clinicsite.brand import brand_get
from core.context_processors import clinic_details


def brand(request):
    """The brand for base.html. Pages show the brand's name; emails keep CLINIC_NAME
    (core.context_processors), which may be a more neutral form of it. The home page's tagline
    and the opening hours are in the page's language when the clinic wrote them in that language
    (``clinic.hours.lang_attr`` marks them otherwise)."""
    value = brand_get()
    value["tagline"] = translations.shown(value, "tagline").text
    details = clinic_details()
    # The opening hours come from the CLINIC_HOURS setting; their Spanish from the site settings.
    hours = translations.shown({"hours": settings.CLINIC_HOURS, "hours_es": value["hours_es"]}, "hours")
    return {"brand": value, "clinic": {**details, "name": value["name"], "hours": hours}}
