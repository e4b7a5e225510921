"""On booking's thanks page: an invitation to pick a time, when the clinic offers any."""

from booking.next_steps import NextStep
from scheduling.models import Appointment, ConsultationType, Location


def booking_invitation(request, consultation) -> NextStep | None:
    booked = Appointment.objects.booked().filter(request=consultation).exists()
    offered = (
        ConsultationType.objects.filter(is_active=True).exists() and Location.objects.filter(is_active=True).exists()
    )
    if not (booked or offered):
        return None
    return NextStep(template="scheduling/_cta_box.html", context={"booked": booked})
