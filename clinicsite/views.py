"""The clinic's own pages, the brand stylesheet, the favicon and (where Django serves them)
uploaded files."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django.views.static import serve

from clinicsite import brand, structured_data, translations
from clinicsite.models import Clinician, InsuranceCarrier, Question, SelfPayPrice
from core.context_processors import clinic_details
from scheduling.models import Location

# Everything an uploaded file may do when opened on its own: nothing (no script, style, frame
# or request), so an SVG that slipped past the upload checks is still inert.
UPLOAD_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


@require_safe
def brand_css(request):
    """The brand's colours as CSS custom properties: a stylesheet of our own origin, since the
    Content-Security-Policy allows no inline styles. base.html links it with the brand's
    version in the address, so browsers may keep it for long."""
    value = brand.brand_get()
    response = HttpResponse(brand.brand_css(value["colours"]), content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24 * 30 if request.GET.get("v") else 300)
    return response


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the brand's icon, or the shipped one."""
    uploaded = brand.brand_get()["favicon_url"]
    if uploaded.startswith(settings.MEDIA_URL):
        return redirect(uploaded)
    path = finders.find("img/favicon.ico")
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115 (closed by Django)
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response


@require_safe
def media_file(request, path):
    """An uploaded file, on a laptop (SERVE_MEDIA): with the same headers as production's web server."""
    if Path(path).suffix.lower() not in {".svg", ".png", ".jpg", ".ico"}:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = UPLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    content_type, _ = mimetypes.guess_type(path)
    response["Content-Type"] = content_type or "application/octet-stream"
    return response


class ClinicPage(TemplateView):
    """A page of the clinic's own; each adds its schema.org description as ``json_ld``."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_brand"] = brand.brand_get()
        context["page_clinic"] = {**clinic_details(), "name": context["page_brand"]["name"]}
        return context

    def clinic_json_ld(self, context, locations=()):
        return structured_data.clinic_data(
            brand=context["page_brand"], clinic=context["page_clinic"], locations=locations, url=self.request.path
        )


def public_locations():
    return Location.objects.filter(is_active=True).select_related("spanish").order_by("name")


# The clinic's own words on each page, which have a Spanish twin (clinicsite.translations).
CLINICIAN_TEXTS = ("credentials", "role", "photo_alt", "bio")
LOCATION_TEXTS = ("name", "hours", "transit_notes", "parking_notes")


class TeamView(ClinicPage):
    template_name = "clinicsite/team.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        clinicians = list(Clinician.objects.filter(is_published=True))
        context["clinicians"] = clinicians
        context["shown_in_english"] = translations.any_in_other_language(clinicians, CLINICIAN_TEXTS)
        context["json_ld"] = structured_data.team_data(
            brand=context["page_brand"], clinic=context["page_clinic"], clinicians=clinicians
        )
        return context


class LocationsView(ClinicPage):
    template_name = "clinicsite/locations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locations"] = locations = list(public_locations())
        context["shown_in_english"] = translations.any_in_other_language(locations, LOCATION_TEXTS)
        context["json_ld"] = self.clinic_json_ld(context, locations)
        return context


class InsuranceView(ClinicPage):
    template_name = "clinicsite/insurance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["carriers"] = list(InsuranceCarrier.objects.all())
        context["prices"] = list(SelfPayPrice.objects.all())
        context["shown_in_english"] = (
            translations.any_in_other_language([context["page_brand"]], ("insurance_intro", "prior_authorization"))
            or translations.any_in_other_language(context["carriers"], ("notes",))
            or translations.any_in_other_language(context["prices"], ("service", "price", "notes"))
        )
        data = self.clinic_json_ld(context)
        if context["carriers"]:
            data["healthPlanNetworkId"] = [carrier.name for carrier in context["carriers"]]
        context["json_ld"] = data
        return context


class FaqView(ClinicPage):
    template_name = "clinicsite/faq.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questions"] = questions = list(Question.objects.filter(is_published=True))
        context["shown_in_english"] = translations.any_in_other_language(questions, ("question", "answer"))
        context["json_ld"] = structured_data.faq_data(questions=questions)
        return context


class ContactView(ClinicPage):
    template_name = "clinicsite/contact.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locations"] = locations = list(public_locations())
        context["shown_in_english"] = translations.any_in_other_language(locations, ("name",))
        context["json_ld"] = self.clinic_json_ld(context, locations)
        return context
