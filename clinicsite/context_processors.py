from clinicsite.brand import brand_get
from core.context_processors import clinic_details


def brand(request):
    """The brand for base.html. Pages show the brand's name; emails keep CLINIC_NAME
    (core.context_processors), which may be a more neutral form of it."""
    value = brand_get()
    return {"brand": value, "clinic": {**clinic_details(), "name": value["name"]}}
