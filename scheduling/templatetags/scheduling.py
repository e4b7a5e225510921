from django import template

from booking.views import THANKS_SESSION_KEY
from scheduling.models import Appointment, ConsultationType, Location

register = template.Library()


@register.inclusion_tag("scheduling/_cta_box.html", takes_context=True)
def booking_cta(context):
    """On booking's thanks page: an invitation to pick a time, when the clinic offers any."""
    request = context.get("request")
    stored = request.session.get(THANKS_SESSION_KEY) if request is not None else None
    if not stored or not stored.get("id"):
        return {"show": False}
    booked = Appointment.objects.booked().filter(request_id=stored["id"]).exists()
    offered = (
        ConsultationType.objects.filter(is_active=True).exists() and Location.objects.filter(is_active=True).exists()
    )
    return {"show": booked or offered, "booked": booked}
