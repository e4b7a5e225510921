"""The request page's own forms (note, status, links, resend, clearing a contraindication), apart
from the declarative admin.

Each view checks the change permission, calls one service (which records the timeline event
and the audit entry) and returns to the request page with a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from booking import services
from booking.models import ConsultationRequest, Email, Intake

Status = ConsultationRequest.Status


def _changeable(model_admin, request, pk):
    obj = get_object_or_404(ConsultationRequest, pk=pk)
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    return obj


def _back(obj):
    return HttpResponseRedirect(reverse("admin:booking_consultationrequest_change", args=[obj.pk]))


@require_POST
def note_view(request, pk, *, model_admin):
    obj = _changeable(model_admin, request, pk)
    try:
        services.request_note_add(request=obj, actor=request.user, text=request.POST.get("text", ""))
    except ValueError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
    else:
        model_admin.message_user(request, "Note added.", messages.SUCCESS)
    return _back(obj)


@require_POST
def clear_view(request, pk, *, model_admin):
    """A clinician with the clearance permission clears one reported contraindication."""
    obj = _changeable(model_admin, request, pk)
    if not request.user.has_perm("booking.clear_contraindication"):
        raise PermissionDenied
    intake = get_object_or_404(Intake, request=obj)
    try:
        services.contraindication_clear(
            intake=intake, key=request.POST.get("key", ""), note=request.POST.get("note", ""), actor=request.user
        )
    except ValueError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
    else:
        model_admin.message_user(request, "Contraindication cleared; the summary names you.", messages.SUCCESS)
    return _back(obj)


@require_POST
def status_view(request, pk, *, model_admin):
    obj = _changeable(model_admin, request, pk)
    status = request.POST.get("status", "")
    try:
        changed = services.consultation_request_set_status(
            request=obj, status=status, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValueError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
        return _back(obj)
    if changed:
        model_admin.message_user(request, f"Status changed to {Status(status).label.lower()}.", messages.SUCCESS)
    return _back(obj)


@require_POST
def link_view(request, pk, *, model_admin):
    obj = _changeable(model_admin, request, pk)
    if request.POST.get("do") == "reissue":
        services.intake_link_reissue(request=obj, actor=request.user)
        message = "Earlier links revoked; a new link is on its way to the patient."
    else:
        services.intake_links_revoke(request=obj, actor=request.user)
        message = "The patient's intake links no longer work."
    model_admin.message_user(request, message, messages.SUCCESS)
    return _back(obj)


@require_POST
def resend_view(request, pk, email_pk, *, model_admin):
    obj = _changeable(model_admin, request, pk)
    email = get_object_or_404(Email, pk=email_pk, request=obj)
    if not services.email_resend(email=email, actor=request.user):
        model_admin.message_user(
            request,
            "This email is being sent right now, or no longer applies, so it was not resent.",
            messages.WARNING,
        )
        return _back(obj)
    model_admin.message_user(request, "The email will be sent again.", messages.SUCCESS)
    return _back(obj)


@require_POST
def acknowledge_view(request, pk, *, model_admin):
    obj = _changeable(model_admin, request, pk)
    if services.consultation_request_acknowledge_urgent(request=obj, actor=request.user):
        model_admin.message_user(request, "Urgent alert acknowledged: it will not be escalated.", messages.SUCCESS)
    else:
        model_admin.message_user(request, "This alert was already acknowledged.", messages.INFO)
    return _back(obj)
