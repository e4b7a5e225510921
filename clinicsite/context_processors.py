from clinicsite import translations
from clinicsite.brand import brand_get
from core.context_processors import clinic_details


def brand(request):
    """The brand for base.html. Pages show the brand's name; emails keep CLINIC_NAME
    (core.context_processors), which may be a more neutral form of it. The home page's tagline
    is in the page's language when the clinic wrote it in that language."""
    value = brand_get()
    value["tagline"] = translations.shown(value, "tagline").text
    return {"brand": value, "clinic": {**clinic_details(), "name": value["name"]}}
