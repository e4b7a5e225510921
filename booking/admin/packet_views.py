"""The prior-authorization packet pages: on screen (with the staff entries beside it) and as a PDF.

Only staff with the "prepare prior-authorization packets" permission see them; each look is
audited. The PDF is built here from the shipped template and stylesheet, fetches nothing from
the network, is named by the reference code only, and is never emailed by the system.
"""

from django import forms
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from booking import packets, services
from booking.models import ConsultationRequest, PacketDetails, TrialCorrection
from booking.services.packets import CORRECTION_FIELDS, DETAIL_FIELDS

PERMISSION = "booking.generate_packet"
STYLESHEET = "css/packet.css"


class PacketDetailsForm(forms.ModelForm):
    class Meta:
        model = PacketDetails
        fields = list(DETAIL_FIELDS)


class TrialCorrectionForm(forms.ModelForm):
    class Meta:
        model = TrialCorrection
        fields = list(CORRECTION_FIELDS)
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank means "keep what the patient wrote"; the service asks for a source when anything is entered.
        self.fields["source"].required = False


def _allowed(model_admin, request, pk):
    obj = get_object_or_404(ConsultationRequest, pk=pk)
    if not (model_admin.has_view_permission(request, obj) and request.user.has_perm(PERMISSION)):
        raise PermissionDenied
    return obj


def _build(obj, treatment, policy_id):
    try:
        return packets.packet_build(request=obj, treatment=treatment, policy_id=policy_id or None)
    except LookupError as error:
        raise Http404(str(error)) from None


def packet_view(request, pk, treatment, *, model_admin):
    obj = _allowed(model_admin, request, pk)
    policy_id = request.GET.get("policy", "")
    if request.method == "POST":
        return _save(request, obj, treatment, policy_id, model_admin)
    packet = _build(obj, treatment, policy_id)
    services.packet_produced(
        request=obj, actor=request.user, treatment=treatment, policy_id=packet.policy["id"], as_pdf=False
    )
    trials = list(obj.intake.trials.select_related("correction"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Prior-authorization packet: {packet.treatment_label}",
        "opts": ConsultationRequest._meta,
        "original": obj,
        "packet": packet,
        "policies": packets.policies_for(treatment),
        "details_form": PacketDetailsForm(instance=packet.details),
        "correction_forms": [
            (trial, TrialCorrectionForm(instance=getattr(trial, "correction", None), prefix=f"trial-{trial.pk}"))
            for trial in trials
        ],
        "pdf_url": _url("admin:booking_consultationrequest_packet_pdf", obj, treatment, packet.policy["id"]),
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/booking/packet/packet.html", context)


def _url(name, obj, treatment, policy_id):
    return reverse(name, args=[obj.pk, treatment]) + "?" + urlencode({"policy": policy_id})


def _errors(form) -> str:
    return "; ".join(message for errors in form.errors.values() for message in errors)


def _save(request, obj, treatment, policy_id, model_admin):
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    do = request.POST.get("do", "")
    try:
        if do == "details":
            form = PacketDetailsForm(request.POST)
            if not form.is_valid():
                raise ValueError(f"Please check the details: {_errors(form)}")
            services.packet_details_save(request=obj, actor=request.user, **form.cleaned_data)
            model_admin.message_user(request, "Details saved.", messages.SUCCESS)
        elif do.startswith("trial-"):
            trial = get_object_or_404(obj.intake.trials, pk=do.removeprefix("trial-"))
            form = TrialCorrectionForm(request.POST, prefix=do)
            if not form.is_valid():
                raise ValueError(
                    "Please check the correction: " + "; ".join(m for e in form.errors.values() for m in e)
                )
            services.trial_correction_save(trial=trial, actor=request.user, **form.cleaned_data)
            model_admin.message_user(request, f"Correction to {trial.name_given} saved.", messages.SUCCESS)
    except ValueError as error:
        model_admin.message_user(request, str(error), messages.ERROR)
    return HttpResponseRedirect(_url("admin:booking_consultationrequest_packet", obj, treatment, policy_id))


def packet_pdf_view(request, pk, treatment, *, model_admin):
    obj = _allowed(model_admin, request, pk)
    packet = _build(obj, treatment, request.GET.get("policy", ""))
    services.packet_produced(
        request=obj, actor=request.user, treatment=treatment, policy_id=packet.policy["id"], as_pdf=True
    )
    response = HttpResponse(packet_pdf(packet), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{packet.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def packet_pdf(packet) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only this page needs.
    from weasyprint import CSS, HTML

    html = render_to_string("admin/booking/packet/document.html", {"packet": packet})
    with open(finders.find(STYLESHEET), encoding="utf-8") as handle:
        stylesheet = CSS(string=handle.read())
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])


def _refuse_fetch(url, *args, **kwargs):
    """The packet needs nothing from outside: a link in the template must never reach the network."""
    raise ValueError(f"The packet does not fetch {url!r}.")
