"""Patient pages: pick a time after the request, see it confirmed, change or cancel it.

Everything works with plain links and form posts; the small script only adds the patient's
own time next to each time. Access comes from the session: the one that made the request
(booking's thanks page), or one opened through a private link from an email, whose token
leaves the address bar at once (as booking's intake links do).
"""

from datetime import datetime, time
from functools import wraps

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking.models import ConsultationRequest
from booking.sessions import intake_open_in_this_browser, thanks_request
from scheduling import links, page_cache, services, slots, waitlist
from scheduling.emails import change_window_hours, clock_text, when_text
from scheduling.models import Appointment, ConsultationType, Location, WaitlistOffer
from scheduling.picker import COMMON_TIME_ZONES, Choice, parse_start
from scheduling.waitlist_forms import WaitlistForm

# A day in the picker's list ("Tue, Dec 8"), and the day of a time in the patient's zone when it
# differs from the clinic's ("Wed 9"); see scheduling/emails.py for the other formats.
DAY_BUTTON = pgettext_lazy("date format: a day in the slot picker's list", "D, M j")
THEIR_DAY = pgettext_lazy("date format: the day of a time in the patient's own time zone", "D j")

MANAGE_SESSION_KEY = "appointment_manage_id"
OFFER_SESSION_KEY = "waitlist_offer_id"


def appointment_required(view):
    """For pages about the appointment this browser holds: the link-unusable page otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        appointment = _session_appointment(request)
        if appointment is None:
            return render(request, "scheduling/link_unusable.html", status=403)
        return view(request, appointment, *args, **kwargs)

    return wrapper


@never_cache
@require_http_methods(["GET", "POST"])
def book(request):
    consultation = _thanks_request_for_booking(request)
    if consultation is None:
        return redirect("booking:request")
    if consultation.booked_id:
        request.session[MANAGE_SESSION_KEY] = consultation.booked_id
        return redirect("scheduling:manage")
    if request.method == "GET":
        return page_cache.picker_page(
            request,
            reference=consultation.reference,
            render=lambda: _picker(request, consultation=consultation, holes=True),
        )
    return _picker(request, consultation=consultation)


def _thanks_request_for_booking(request):
    """The request this browser has just sent, with its booked appointment's id if it has one, in
    one query. Showing the times needs only its reference; booking one needs the whole request."""
    requests = ConsultationRequest.objects.annotate(
        booked_id=Subquery(Appointment.objects.booked().filter(request=OuterRef("pk")).values("pk")[:1])
    )
    if request.method != "POST":
        requests = requests.only("pk", "reference")
    return thanks_request(request, requests)


@never_cache
def booked(request):
    appointment = _session_appointment(request)
    if appointment is None:
        return redirect("booking:request")
    return render(
        request,
        "scheduling/booked.html",
        {
            **_appointment_context(appointment),
            "intake_available": intake_open_in_this_browser(request, appointment.request),
        },
    )


@never_cache
def manage_start(request, token):
    """Exchange the private link for a session, so the token leaves the address bar at once."""
    link = links.appointment_link_find(token)
    if link is None:
        return render(request, "scheduling/link_unusable.html", status=404)
    request.session.cycle_key()
    request.session[MANAGE_SESSION_KEY] = link.appointment_id
    return redirect("scheduling:manage")


@never_cache
@appointment_required
def manage(request, appointment):
    return render(request, "scheduling/manage.html", _appointment_context(appointment))


@never_cache
@require_http_methods(["GET", "POST"])
@appointment_required
def change(request, appointment):
    if not appointment.patient_can_change():
        return render(request, "scheduling/manage.html", _appointment_context(appointment), status=409)
    return _picker(request, consultation=appointment.request, appointment=appointment)


@never_cache
@require_http_methods(["GET", "POST"])
@appointment_required
def cancel(request, appointment):
    if request.method == "POST" and appointment.patient_can_change():
        try:
            services.appointment_cancel(appointment=appointment)
        except services.ChangeWindowPassed:
            pass  # the window closed while the page was open: the page below explains
        else:
            messages.success(request, _("Your consultation is cancelled. We have emailed you a confirmation."))
            return redirect("scheduling:manage")
        appointment.refresh_from_db()
    if not appointment.patient_can_change():
        return render(request, "scheduling/manage.html", _appointment_context(appointment), status=409)
    return render(request, "scheduling/cancel.html", _appointment_context(appointment))


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_join(request):
    """For a patient whom no open time suits: wait for one on the days and times that work."""
    consultation = thanks_request(request)
    if consultation is None:
        return redirect("booking:request")
    types = list(ConsultationType.objects.filter(is_active=True))
    locations = list(Location.objects.filter(is_active=True))
    if not types or not locations:
        return render(request, "scheduling/nothing_open.html", {"reference": consultation.reference})
    choice = Choice.from_data(request.GET, types=types, locations=locations)
    form = WaitlistForm(
        request.POST if request.method == "POST" else None,
        types=types,
        locations=locations,
        initial={"consultation_type": choice.consultation_type.pk, "location": choice.location.pk},
    )
    if request.method == "POST" and form.is_valid():
        entry = waitlist.waitlist_join(
            request=consultation,
            consultation_type=form.cleaned_data["consultation_type"],
            location=form.cleaned_data["location"],
            weekdays=form.cleaned_data["weekdays"],
            day_parts=form.cleaned_data["day_parts"],
        )
        return render(request, "scheduling/waitlist_joined.html", {"entry": entry, "reference": consultation.reference})
    return render(request, "scheduling/waitlist_join.html", {"form": form, "reference": consultation.reference})


@never_cache
def offer_start(request, token):
    """Exchange the private link to an offer for a session, as for appointment links."""
    link = links.offer_link_find(token)
    if link is None:
        return render(request, "scheduling/link_unusable.html", status=404)
    request.session.cycle_key()
    request.session[OFFER_SESSION_KEY] = link.offer_id
    return redirect("scheduling:offer")


@never_cache
@require_http_methods(["GET", "POST"])
def offer(request):
    offer_id = request.session.get(OFFER_SESSION_KEY)
    offer = (
        WaitlistOffer.objects.select_related("entry__consultation_type", "entry__location", "entry__request")
        .filter(pk=offer_id)
        .first()
        if offer_id
        else None
    )
    if offer is None:
        return render(request, "scheduling/link_unusable.html", status=403)
    if request.method == "POST":
        try:
            appointment = waitlist.waitlist_offer_claim(offer=offer)
        except waitlist.OfferUnavailable as gone:
            offer.refresh_from_db()
            return _offer_page(request, offer, reason=gone.reason, status=410 if gone.reason == "expired" else 409)
        request.session[MANAGE_SESSION_KEY] = appointment.pk
        return redirect("scheduling:booked")
    reason = None
    if offer.status == WaitlistOffer.Status.CLAIMED and offer.appointment_id:
        request.session[MANAGE_SESSION_KEY] = offer.appointment_id
        return redirect("scheduling:manage")
    if offer.status == WaitlistOffer.Status.TAKEN:
        reason = "taken"
    elif offer.status != WaitlistOffer.Status.OPEN:
        reason = "closed"
    elif not offer.is_live():
        reason = "expired"
    return _offer_page(request, offer, reason=reason)


def _offer_page(request, offer, *, reason, status=200):
    tz = offer.entry.location.tz
    return render(
        request,
        "scheduling/offer.html",
        {
            "offer": offer,
            "entry": offer.entry,
            "when": when_text(offer.start, tz),
            "expires_when": when_text(offer.expires_at, tz),
            "reason": reason,
            "reference": offer.entry.request.reference,
        },
        status=status,
    )


def _picker(request, *, consultation, appointment=None, holes=False):
    """The slot picker, for a first booking or to move ``appointment``.

    Showing it takes no query beyond the session and the request: the types, locations, open days
    and the day's times come from the schedule cache, which every booking and change clears. With
    ``holes``, the patient's own values are left as page_cache.HOLES, to be kept and filled in."""
    holes = page_cache.HOLES if holes else {}
    if appointment:
        types, locations = [appointment.consultation_type], [appointment.location]
    else:
        types, locations = slots.bookable_choices()
        if not types or not locations:
            return render(request, "scheduling/nothing_open.html", {"reference": consultation.reference, **holes})
    data = request.POST if request.method == "POST" else request.GET
    choice = Choice.from_data(data, types=types, locations=locations)
    exclude = appointment.pk if appointment else None
    error = None
    alternatives = []

    if request.method == "POST":
        start = parse_start(request.POST.get("start", ""))
        if start is None:
            error = _("Please choose one of the times.")
        else:
            try:
                if appointment:
                    services.appointment_reschedule(appointment=appointment, start=start)
                else:
                    appointment = services.appointment_book(
                        request=consultation,
                        consultation_type=choice.consultation_type,
                        location=choice.location,
                        start=start,
                    )
            except services.SlotUnavailable as taken:
                error = _("Sorry, that time has just been taken. Here are the next open times.")
                alternatives = taken.alternatives
            except services.ChangeWindowPassed:
                return redirect("scheduling:change")
            else:
                request.session[MANAGE_SESSION_KEY] = appointment.pk
                if exclude:
                    messages.success(request, _("Your consultation has been moved. We have emailed you the new time."))
                    return redirect("scheduling:manage")
                return redirect("scheduling:booked")

    # The list of days needs only whether each has an open time; the chosen day needs them all.
    shown_day = slots.day_view(
        wanted=choice.day,
        consultation_type=choice.consultation_type,
        location=choice.location,
        exclude_appointment_id=exclude,
    )
    if not shown_day.open_days and not appointment:
        return render(
            request,
            "scheduling/nothing_open.html",
            {"reference": consultation.reference, "choice": choice, "types": types, "locations": locations, **holes},
        )
    day = shown_day.day
    tz = choice.location.tz
    patient_tz = choice.patient_tz if choice.patient_tz and choice.patient_tz.key != tz.key else None
    shown = alternatives or shown_day.times
    # Every link to a day differs only by the day: the rest of the query string is made once.
    query_prefix = choice.query(day="")
    query_prefix = query_prefix + "&day=" if query_prefix else "day="
    day_button = str(DAY_BUTTON)
    context = {
        "appointment": appointment if exclude else None,
        "reference": consultation.reference,
        "choice": choice,
        "types": types,
        "locations": locations,
        "show_filters": not exclude and (len(types) > 1 or len(locations) > 1),
        "days": [
            # Formatted here rather than with the template's date filter: thirty of them per page.
            {"label": dateformat.format(d, day_button), "query": query_prefix + d.isoformat(), "current": d == day}
            for d in shown_day.open_days
        ],
        "day": day,
        "times": [_time_option(slot, tz, patient_tz, with_date=bool(alternatives)) for slot in shown],
        "error": error,
        "clinic_tz": tz.key,
        # EST or EDT as on the day shown, which may be after a clock change.
        "clinic_tz_label": _zone_label(day, tz),
        "patient_tz": patient_tz.key if patient_tz else "",
        "time_zones": COMMON_TIME_ZONES,
        "form_action": request.path,
        **holes,
    }
    response = render(request, "scheduling/book.html", context, status=409 if alternatives else 200)
    response.keepable = bool(holes) and not error and not exclude and page_cache.keepable(request, choice, day)
    return response


def _zone_label(day, tz):
    moment = datetime.combine(day, time(12), tzinfo=tz) if day else timezone.localtime(timezone.now(), tz)
    return moment.strftime("%Z")


def _time_option(slot, tz, patient_tz, *, with_date):
    local = timezone.localtime(slot.start, tz)
    option = {
        "value": slot.start.isoformat(),
        "id": f"start-{int(slot.start.timestamp())}",
        "label": when_text(slot.start, tz) if with_date else clock_text(local),
        "patient_label": None,
    }
    if patient_tz:
        theirs = timezone.localtime(slot.start, patient_tz)
        if theirs.date() != local.date():
            option["patient_label"] = _("%(time)s on %(day)s your time") % {
                "time": clock_text(theirs),
                "day": dateformat.format(theirs, str(THEIR_DAY)),
            }
        else:
            option["patient_label"] = _("%(time)s your time") % {"time": clock_text(theirs)}
    return option


def _session_appointment(request):
    appointment_id = request.session.get(MANAGE_SESSION_KEY)
    if not appointment_id:
        return None
    return (
        Appointment.objects.select_related("consultation_type", "location", "request").filter(pk=appointment_id).first()
    )


def _appointment_context(appointment):
    tz = appointment.location.tz
    return {
        "appointment": appointment,
        "when": when_text(appointment.start, tz),
        "clinic_tz": tz.key,
        "can_change": appointment.patient_can_change(),
        "is_booked": appointment.status == Appointment.Status.BOOKED,
        "window_hours": change_window_hours(),
    }
