"""The request pipeline and the request page: what staff see, declared here; the page's own
forms are in booking/admin/views.py, and every write goes through booking.services."""

import re
from functools import partial

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget
from phonenumbers import region_code_for_number

from booking import crisis, services, sources
from booking import screening as screening_rules
from booking.admin import packet_views, views
from booking.admin.filters import AssignedFilter, IntakeStateFilter, outcome_filter, yes_no_filter
from booking.intake_steps import STEPS, review_sections
from booking.models import ConsultationRequest, Intake
from booking.models.requests import REFERENCE_ALPHABET, pipeline_priority
from booking.services.exports import consultation_requests_export_csv
from booking.services.intake import ASQ_OUTCOME_LABELS
from core.admin import AuditedAdminMixin, LargeTablePaginator

Status = ConsultationRequest.Status
PACKET = "booking_consultationrequest_packet"

# Short list-column words for each outcome, read from the indexed column (never from a boolean).
OUTCOME_BADGES = {
    screening_rules.LIKELY_MET: ("badge badge--likely", "Likely met"),
    screening_rules.NOT_YET_MET: ("", "Not yet met"),
    screening_rules.CONTRAINDICATION_OUTCOME: ("badge badge--contraindication", "Contraindication: clinician to clear"),
    screening_rules.CANNOT_TELL: ("", "Cannot tell yet"),
}


def outcome_badge(intake, treatment):
    outcome = getattr(intake, f"{treatment}_outcome", "") if intake is not None else ""
    if outcome not in OUTCOME_BADGES:
        return "—"
    css, text = OUTCOME_BADGES[outcome]
    if outcome == screening_rules.LIKELY_MET and (intake.screening or {}).get(treatment, {}).get("cleared"):
        text = "Likely met (contraindication cleared)"
    return format_html('<span class="{}">{}</span>', css, text) if css else text


ASQ_ANSWERS = {"yes": "Yes", "no": "No", "declined": "Declined to answer"}


def _asq_rows(intake):
    """The ASQ questions as asked, each with the patient's answer, for the request page."""
    if intake is None or not intake.asq:
        return []
    return [
        (question, ASQ_ANSWERS.get(answer, "Not asked or not answered"))
        for question, answer in zip(crisis.ASQ_QUESTIONS, intake.asq, strict=False)
    ]


def phone_national(phone) -> str:
    """(617) 555-0123 for a number in the clinic's region, +44 20 7946 0958 for others."""
    if not phone:
        return ""
    if region_code_for_number(phone) == settings.PHONENUMBER_DEFAULT_REGION:
        return phone.as_national
    return phone.as_international


# What staff paste or type from an email, a phone call or a note: a reference code (with or
# without its dash, any case), a full email address, a phone number, or part of a name.
_CODE = f"[{REFERENCE_ALPHABET}]{{4}}"
REFERENCE_TYPED = re.compile(rf"^{_CODE}-?{_CODE}$")
PHONE_TYPED = re.compile(r"^\+?[\d\s().-]+$")


def _phone_typed(text: str) -> str:
    """The number in the stored form (+16175550123) if the text is a phone number, else ""."""
    if not PHONE_TYPED.match(text) or sum(c.isdigit() for c in text) < 7:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _name_matches(text: str) -> Q:
    """Every word in the first or the last name, in any case: anywhere in it, or at its start
    for a word of one or two letters. The trigram indexes of booking migration 0015 serve both
    on PostgreSQL; they cannot narrow "anywhere" for fewer than three letters, and "Jo" is
    most often the start of a name anyway."""
    matches = Q()
    for word in text.split():
        lookup = "icontains" if len(word) >= 3 else "istartswith"
        matches &= Q(**{f"first_name__{lookup}": word}) | Q(**{f"last_name__{lookup}": word})
    return matches


def search_requests(queryset, text: str):
    """Each kind of search is one exact, indexed lookup, never a scan of every request: a
    million rows searched with icontains on every column take seconds."""
    text = " ".join(text.split())
    if not text:
        return queryset
    if "@" in text and " " not in text:
        return queryset.filter(Exact(Lower("email"), Lower(Value(text))))
    code = text.upper().replace(" ", "")
    if REFERENCE_TYPED.match(code):
        by_code = Q(reference=code if "-" in code else f"{code[:4]}-{code[4:]}")
        if "-" in code or any(c.isdigit() for c in code):
            return queryset.filter(by_code)
        # Eight letters could also be a name ("Sandberg").
        return queryset.filter(by_code | _name_matches(text))
    phone = _phone_typed(text)
    if phone:
        return queryset.filter(phone=phone)
    return queryset.filter(_name_matches(text))


class NotAFitForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, help_text="Recorded on each request's timeline."
    )


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "urgent_badge",
        "reference",
        "name",
        "received",
        "status",
        "interest",
        "intake_state",
        "phq9",
        "tms",
        "spravato",
        "safety",
        "assigned_to",
    ]
    list_display_links = ["reference"]
    list_filter = [
        "status",
        "urgent",
        "interest",
        "language",
        IntakeStateFilter,
        outcome_filter("intake__tms_outcome", "TMS screening", "tms"),
        outcome_filter("intake__spravato_outcome", "SPRAVATO screening", "spravato"),
        yes_no_filter("intake__has_contraindication", "contraindication not cleared", "contraindication"),
        yes_no_filter("intake__has_safety_flags", "has safety flags", "safety"),
        yes_no_filter("free_text_review", "free text to review", "free_text"),
        AssignedFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    # Searched by search_requests() (see get_search_results); the list names what it looks at.
    search_fields = ["reference", "email", "phone", "first_name", "last_name"]
    search_help_text = "Search by reference code, full email address, phone number, or part of a name."
    list_select_related = ["assigned_to", "intake"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    # Facet counts would count every request once per filter choice on each page.
    show_facets = admin.ShowFacets.NEVER
    actions = ["assign_to_me", "mark_contacted", "mark_consultation_scheduled", "mark_not_a_fit", "export_csv"]
    change_form_template = "admin/booking/consultationrequest/change_form.html"
    # What the patient told us is shown as sent; status and urgency change only through the
    # pipeline actions, so that each change lands on the timeline.
    ABOUT_THE_REQUEST = [
        "reference",
        "date_of_birth",
        "interest",
        "has_prescriber",
        "insurance_carrier",
        "heard_about",
        "message",
        "source_article_shown",
        "created_at",
        "first_contacted_at",
    ]
    fieldsets = [
        (
            "Contact",
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "preferred_contact",
                    "best_times_shown",
                    "language",
                ]
            },
        ),
        ("About the request", {"fields": ABOUT_THE_REQUEST}),
        ("Pipeline", {"fields": ["status", "urgent", "assigned_to"]}),
    ]
    readonly_fields = [*ABOUT_THE_REQUEST, "status", "urgent", "best_times_shown", "language"]
    # Numbers are stored as +16175550123 and shown, and typed, as (617) 555-0123.
    formfield_overrides = {PhoneNumberField: {"widget": RegionalPhoneNumberWidget}}

    class Media:
        css = {"all": ["css/admin.css"]}

    def audit_label(self, obj):
        return obj.reference

    def get_ordering(self, request):
        # Open urgent requests first, then those still waiting for a first call, oldest first;
        # served by the request_pipeline_order index.
        return [pipeline_priority().asc(), "created_at", "pk"]

    def get_search_results(self, request, queryset, search_term):
        # Each search matches a request at most once: no DISTINCT needed.
        return search_requests(queryset, search_term), False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- Columns ---

    # A column header with words for screen readers (and the sort link axe-core checks), none on screen.
    @admin.display(description=mark_safe('<span class="visually-hidden">Urgent</span>'), ordering="urgent")
    def urgent_badge(self, obj):
        return mark_safe('<span class="badge badge--urgent">Urgent</span>') if obj.urgent else ""

    @admin.display(description="Name", ordering="last_name")
    def name(self, obj):
        # The phone number and the patient's language under the name: the list keeps every column in view.
        return format_html(
            '{} {}<br><span class="list-phone">{}<br><span lang="{}">{}</span></span>',
            obj.first_name,
            obj.last_name,
            phone_national(obj.phone),
            obj.language,
            obj.get_language_display(),
        )

    @admin.display(description="Sent from the article")
    def source_article_shown(self, obj):
        shown = sources.source_article_shown(obj.source_article)
        if not shown:
            return "-"
        if shown["url"]:
            return format_html('<a href="{}">{}</a>', shown["url"], shown["title"])
        return shown["title"]

    @admin.display(description="Best times to reach them")
    def best_times_shown(self, obj):
        labels = dict(ConsultationRequest.BestTime.choices)
        return ", ".join(labels.get(value, value) for value in obj.best_times or []) or "Any time"

    @admin.display(description="Received", ordering="created_at")
    def received(self, obj):
        return format_html(
            '<time datetime="{}" title="{}">{} ago</time>',
            obj.created_at.isoformat(),
            timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M"),
            timesince(obj.created_at).split(",")[0],
        )

    def _intake(self, obj):
        try:
            return obj.intake
        except Intake.DoesNotExist:
            return None

    @admin.display(description="Intake")
    def intake_state(self, obj):
        intake = self._intake(obj)
        if intake is None:
            return "Not started"
        steps = len(STEPS)
        return (
            "Complete" if intake.submitted_at else f"In progress (step {min(intake.furthest_step, steps)} of {steps})"
        )

    @admin.display(description="PHQ-9", ordering="intake__phq9_total")
    def phq9(self, obj):
        intake = self._intake(obj)
        if intake is None or intake.phq9_total is None:
            return "—"
        return f"{intake.phq9_total} · {intake.phq9_band}"

    @admin.display(description="TMS", ordering="intake__tms_outcome")
    def tms(self, obj):
        return outcome_badge(self._intake(obj), "tms")

    @admin.display(description="SPRAVATO", ordering="intake__spravato_outcome")
    def spravato(self, obj):
        return outcome_badge(self._intake(obj), "spravato")

    @admin.display(description="Free text")
    def free_text(self, obj):
        if obj.free_text_review:
            return format_html(
                '<span class="badge badge--review" title="{}">Review free text</span>', ", ".join(obj.free_text_flags)
            )
        return "—"

    @admin.display(description="Safety")
    def safety(self, obj):
        """Safety answers to review, and free text to read (one column keeps the list in its box)."""
        intake = self._intake(obj)
        badges = []
        if intake is not None and intake.has_safety_flags:
            badges.append(mark_safe('<span class="badge badge--review">Review</span>'))
        if obj.free_text_review:
            badges.append(self.free_text(obj))
        return format_html_join(" ", "{}", ((badge,) for badge in badges)) if badges else "—"

    # --- Actions (each calls a service, which records the timeline event and the audit entry) ---

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for obj in queryset:
            services.consultation_request_assign(request=obj, user=request.user, actor=request.user)
        self.message_user(request, f"{queryset.count()} request(s) assigned to you.", messages.SUCCESS)

    def _set_status(self, request, queryset, status, reason=""):
        changed = sum(
            services.consultation_request_set_status(request=obj, status=status, actor=request.user, reason=reason)
            for obj in queryset
        )
        self.message_user(request, f"{changed} request(s) marked {Status(status).label.lower()}.", messages.SUCCESS)

    @admin.action(description="Mark contacted", permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._set_status(request, queryset, Status.CONTACTED)

    @admin.action(description="Mark consultation scheduled", permissions=["change"])
    def mark_consultation_scheduled(self, request, queryset):
        self._set_status(request, queryset, Status.CONSULTATION_SCHEDULED)

    @admin.action(description="Mark not a fit (asks for a reason)", permissions=["change"])
    def mark_not_a_fit(self, request, queryset):
        form = NotAFitForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._set_status(request, queryset, Status.NOT_A_FIT, reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Mark not a fit",
            "queryset": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/booking/consultationrequest/not_a_fit.html", context)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="requests-{timezone.localdate():%Y%m%d}.csv"'
        response["Cache-Control"] = "no-store"
        consultation_requests_export_csv(
            requests=queryset.select_related(None).select_related("intake").order_by("created_at"),
            actor=request.user,
            out=response,
        )
        return response

    # --- The request page ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_or_change_permission(request, obj):
            extra_context = {**(extra_context or {}), **self._request_page_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _request_page_context(self, request, obj):
        intake = Intake.objects.filter(request=obj).first()
        screening = intake.screening if intake else {}
        can_clear = request.user.has_perm("booking.clear_contraindication") and self.has_change_permission(request, obj)
        return {
            "can_clear": can_clear,
            "intake": intake,
            "review": review_sections(intake) if intake else [],
            "intake_steps": len(STEPS),
            "screening": screening,
            "trial_rows": list(zip(intake.trials.all(), screening.get("trials", []), strict=False)) if intake else [],
            "events": obj.events.select_related("actor")[:200],
            "emails": obj.emails.all(),
            "usable_links": obj.intake_links.usable().count(),
            "status_choices": Status.choices,
            "can_change": self.has_change_permission(request, obj),
            "can_prepare_packet": intake is not None and request.user.has_perm(packet_views.PERMISSION),
            "asq_rows": _asq_rows(intake),
            "asq_outcome_label": ASQ_OUTCOME_LABELS.get(intake.asq_outcome, "") if intake else "",
            "source_article": sources.source_article_shown(obj.source_article),
        }

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, model_admin=self))

        return [
            path("<int:pk>/note/", wrap(views.note_view), name="booking_consultationrequest_note"),
            path("<int:pk>/clear/", wrap(views.clear_view), name="booking_consultationrequest_clear"),
            path("<int:pk>/status/", wrap(views.status_view), name="booking_consultationrequest_status"),
            path("<int:pk>/link/", wrap(views.link_view), name="booking_consultationrequest_link"),
            path("<int:pk>/acknowledge/", wrap(views.acknowledge_view), name="booking_consultationrequest_acknowledge"),
            path("<int:pk>/resend/<int:email_pk>/", wrap(views.resend_view), name="booking_consultationrequest_resend"),
            path("<int:pk>/packet/<str:treatment>/", wrap(packet_views.packet_view), name=f"{PACKET}"),
            path("<int:pk>/packet/<str:treatment>/pdf/", wrap(packet_views.packet_pdf_view), name=f"{PACKET}_pdf"),
            *super().get_urls(),
        ]
