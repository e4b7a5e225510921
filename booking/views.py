"""Public views for consultation requests. Thin: forms validate, services write."""

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking import links
from booking.forms import ConsultationRequestForm
from booking.intake_views import INTAKE_SESSION_KEY
from booking.models import ConsultationRequest, new_reference
from booking.services import consultation_request_create
from clinic import ratelimit

logger = logging.getLogger(__name__)

THANKS_SESSION_KEY = "consultation_thanks"


@never_cache
@require_http_methods(["GET", "POST"])
def request_consultation(request):
    if request.method == "GET":
        form = ConsultationRequestForm(article_slug=request.GET.get("article", "")[:200])
        return render(request, "booking/request_form.html", {"form": form})

    if ratelimit.hit(
        request,
        scope="consultation",
        limit=settings.CONSULTATION_RATE_LIMIT,
        window_seconds=settings.CONSULTATION_RATE_WINDOW_SECONDS,
    ):
        return render(request, "booking/rate_limited.html", status=429)

    form = ConsultationRequestForm(request.POST)
    if form.looks_automated():
        # Answer as if it worked, so that a robot learns nothing; nothing is saved or sent.
        logger.info("Consultation form submission discarded as automated.")
        return render(request, "booking/thanks.html", {"reference": new_reference(), "intake_available": False})
    if not form.is_valid():
        return render(request, "booking/request_form.html", {"form": form})

    result = consultation_request_create(**form.service_kwargs())
    if result.created:
        request.session[INTAKE_SESSION_KEY] = result.browser_link_id
    request.session[THANKS_SESSION_KEY] = {"id": result.request.pk}
    return redirect("booking:thanks")


@never_cache
def thanks(request):
    stored = request.session.get(THANKS_SESSION_KEY)
    consultation = ConsultationRequest.objects.filter(pk=stored["id"]).first() if stored else None
    if consultation is None:
        return redirect("booking:request")
    context = {
        "reference": consultation.reference,
        "intake_available": intake_open_in_this_browser(request, consultation),
        "intake_link_days": settings.INTAKE_LINK_DAYS,
    }
    return render(request, "booking/thanks.html", context)


def intake_open_in_this_browser(request, consultation) -> bool:
    """Whether this browser can open the request's intake without the emailed link."""
    link_id = request.session.get(INTAKE_SESSION_KEY)
    return bool(link_id) and consultation.intake_links.usable().filter(pk=link_id).exists()


@never_cache
def intake_start(request, token):
    """Exchange the private link for a session, so the token leaves the address bar at once."""
    link = links.intake_link_find(token)
    if link is None or not link.is_usable:
        status = 410 if link is not None else 404
        return render(request, "booking/intake/link_unusable.html", {"link": link}, status=status)
    request.session.cycle_key()
    request.session[INTAKE_SESSION_KEY] = link.pk
    return redirect("booking:intake")
