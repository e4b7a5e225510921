"""Public views for consultation requests. Thin: forms validate, services write."""

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from booking import services, sessions
from booking.forms import ConsultationRequestForm, IntakeConfirmForm
from booking.models import new_reference
from booking.next_steps import next_steps
from core import ratelimit

logger = logging.getLogger(__name__)


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
    if form.needs_confirmation():
        # Everything typed stays; a fresh "started" value lets the next send through.
        data = request.POST.copy()
        data["started"] = ConsultationRequestForm.fresh_started()
        form = ConsultationRequestForm(data)
        form.is_valid()
        return render(request, "booking/request_form.html", {"form": form, "confirm": True})
    if not form.is_valid():
        return render(request, "booking/request_form.html", {"form": form})

    # The language of the address the form was sent to (/es/consultation/ is Spanish).
    result = services.consultation_request_create(**form.service_kwargs(), language=request.LANGUAGE_CODE)
    if result.created:
        sessions.intake_link_remember(request, result.browser_link_id)
    sessions.thanks_remember(request, result.request)
    return redirect("booking:thanks")


@never_cache
def thanks(request):
    consultation = sessions.thanks_request(request)
    if consultation is None:
        return redirect("booking:request")
    context = {
        "reference": consultation.reference,
        "contact_method": consultation.preferred_contact,
        "intake_available": sessions.intake_open_in_this_browser(request, consultation),
        "intake_link_days": settings.INTAKE_LINK_DAYS,
        "next_steps": next_steps(request, consultation),
    }
    return render(request, "booking/thanks.html", context)


@never_cache
def intake_start(request, token):
    """Exchange the private link for a session, so the token leaves the address bar at once."""
    link = services.intake_link_find(token)
    if link is not None and not link.is_usable:
        return render(request, "booking/intake/link_unusable.html", {"link": link}, status=410)
    request.session.cycle_key()
    if link is not None and sessions.intake_link_opens_here(request, link):
        sessions.intake_link_remember(request, link.pk)
        return redirect("booking:intake")
    # Anywhere else (a forwarded email, a shared computer), the date of birth comes first. An
    # unknown token gets the same page, so that nobody can test whether a link is real.
    sessions.intake_link_pending_remember(request, link.pk if link is not None else None)
    return redirect("booking:intake_confirm")


@never_cache
@require_http_methods(["GET", "POST"])
def intake_confirm(request):
    if request.method == "GET":
        return render(request, "booking/intake/confirm.html", {"form": IntakeConfirmForm()})
    if ratelimit.hit(
        request,
        scope="intake-confirm",
        limit=settings.INTAKE_CONFIRM_RATE_LIMIT,
        window_seconds=settings.CONSULTATION_RATE_WINDOW_SECONDS,
    ):
        return render(request, "booking/rate_limited.html", status=429)
    form = IntakeConfirmForm(request.POST)
    if not form.is_valid():
        return render(request, "booking/intake/confirm.html", {"form": form})
    link = sessions.intake_link_pending(request)
    if services.intake_link_confirm_identity(
        link=link, date_of_birth=form.cleaned_data["date_of_birth"], http_request=request
    ):
        sessions.intake_link_confirmed(request, link)
        return redirect("booking:intake")
    return render(request, "booking/intake/confirm.html", {"form": IntakeConfirmForm(), "no_match": True})
