"""Staff review: the request pipeline, the request page, the catalog and emails.

Every status change, note and link action goes through booking/pipeline.py and is
recorded on the request's timeline; every look at a request and every export is
recorded in the audit trail (clinic/audit.py).
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from booking import intake as intake_services
from booking import pipeline
from booking.intake_review import STEPS, review_sections
from booking.models import ConsultationRequest, Email, Intake, Medication
from booking.models.requests import pipeline_priority
from clinic.admin import ReadOnlyAdmin
from clinic.audit import audit_record
from clinic.models import AuditEvent

Status = ConsultationRequest.Status


# --- List filters -----------------------------------------------------------------------------


class IntakeStateFilter(admin.SimpleListFilter):
    title = "intake"
    parameter_name = "intake"

    def lookups(self, request, model_admin):
        return [("none", "Not started"), ("in_progress", "In progress"), ("complete", "Complete")]

    def queryset(self, request, queryset):
        return {
            "none": queryset.filter(intake__isnull=True),
            "in_progress": queryset.filter(intake__isnull=False, intake__submitted_at__isnull=True),
            "complete": queryset.filter(intake__submitted_at__isnull=False),
        }.get(self.value(), queryset)


def yes_no_filter(field, title, parameter):
    class YesNoFilter(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            return [("yes", "Yes"), ("no", "No")]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(**{field: True})
            if self.value() == "no":
                return queryset.exclude(**{field: True})
            return queryset

    YesNoFilter.title = title
    YesNoFilter.parameter_name = parameter
    return YesNoFilter


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class LargeTablePaginator(Paginator):
    """Counting every row of a big table on each page load is slow on PostgreSQL; when the
    list is not filtered, the planner's estimate is close enough for page numbers."""

    @cached_property
    def count(self):
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > 10_000:
                return estimate
        return super().count


class NotAFitForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, help_text="Recorded on each request's timeline."
    )


# --- The request pipeline ------------------------------------------------------------------------


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
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
        IntakeStateFilter,
        yes_no_filter("intake__tms_likely", "TMS criteria likely met", "tms"),
        yes_no_filter("intake__spravato_likely", "SPRAVATO criteria likely met", "spravato"),
        yes_no_filter("intake__has_safety_flags", "has safety flags", "safety"),
        AssignedFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=reference", "first_name", "last_name", "email", "phone"]
    search_help_text = "Search by reference, name, email or phone (+1 and digits)."
    list_select_related = ["assigned_to", "intake"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
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
        "source_article",
        "created_at",
        "first_contacted_at",
    ]
    fieldsets = [
        ("Contact", {"fields": ["first_name", "last_name", "email", "phone", "preferred_contact", "best_times"]}),
        ("About the request", {"fields": ABOUT_THE_REQUEST}),
        ("Pipeline", {"fields": ["status", "urgent", "assigned_to"]}),
    ]
    readonly_fields = [*ABOUT_THE_REQUEST, "status", "urgent"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_ordering(self, request):
        # Open urgent requests first, then those still waiting for a first call, oldest first;
        # served by the request_pipeline_order index.
        return [pipeline_priority().asc(), "created_at", "pk"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- Columns ---

    @admin.display(description="", ordering="urgent")
    def urgent_badge(self, obj):
        return mark_safe('<span class="badge badge--urgent">Urgent</span>') if obj.urgent else ""

    @admin.display(description="Name", ordering="last_name")
    def name(self, obj):
        return f"{obj.first_name} {obj.last_name}"

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

    @admin.display(description="TMS")
    def tms(self, obj):
        return self._likely(getattr(self._intake(obj), "tms_likely", None))

    @admin.display(description="SPRAVATO")
    def spravato(self, obj):
        return self._likely(getattr(self._intake(obj), "spravato_likely", None))

    @staticmethod
    def _likely(value):
        if value is None:
            return "—"
        if value:
            return mark_safe('<span class="badge badge--likely">Likely met</span>')
        return "Not yet"

    @admin.display(description="Safety")
    def safety(self, obj):
        intake = self._intake(obj)
        if intake is not None and intake.has_safety_flags:
            return mark_safe('<span class="badge badge--review">Review</span>')
        return "—"

    # --- Actions (each calls a service; each status change lands on the timeline) ---

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for obj in queryset:
            pipeline.consultation_request_assign(request=obj, user=request.user, actor=request.user)
            audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary="Assigned to self")
        self.message_user(request, f"{queryset.count()} request(s) assigned to you.", messages.SUCCESS)

    def _set_status(self, request, queryset, status, reason=""):
        changed = 0
        for obj in queryset:
            if pipeline.consultation_request_set_status(request=obj, status=status, actor=request.user, reason=reason):
                changed += 1
                audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary=f"Status: {status}")
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
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="requests-{timezone.localdate():%Y%m%d}.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        columns = ["reference", "first_name", "last_name", "email", "phone", "status", "urgent", "created_at"]
        writer.writerow(columns)
        rows = 0
        for obj in queryset.select_related(None).order_by("created_at"):
            writer.writerow([_csv_safe(getattr(obj, c)) for c in columns])
            rows += 1
        audit_record(
            request=request,
            action=AuditEvent.Action.EXPORT,
            summary=f"Exported {rows} request(s) to CSV: {', '.join(columns)}",
        )
        return response

    # --- The request page ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_or_change_permission(request, obj):
            if request.method == "GET":
                audit_record(request=request, action=AuditEvent.Action.VIEW, obj=obj, summary=f"Viewed {obj.reference}")
            extra_context = {**(extra_context or {}), **self._request_page_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _request_page_context(self, request, obj):
        intake = Intake.objects.filter(request=obj).first()
        screening = intake.screening if intake else {}
        return {
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
        }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                request=request,
                action=AuditEvent.Action.CHANGE,
                obj=obj,
                summary=f"Edited {', '.join(form.changed_data)}",
            )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/note/", wrap(self.note_view), name="booking_consultationrequest_note"),
            path("<int:pk>/status/", wrap(self.status_view), name="booking_consultationrequest_status"),
            path("<int:pk>/link/", wrap(self.link_view), name="booking_consultationrequest_link"),
            path("<int:pk>/resend/<int:email_pk>/", wrap(self.resend_view), name="booking_consultationrequest_resend"),
            *super().get_urls(),
        ]

    def _changeable(self, request, pk):
        obj = get_object_or_404(ConsultationRequest, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _back(self, obj):
        return HttpResponseRedirect(reverse("admin:booking_consultationrequest_change", args=[obj.pk]))

    @method_decorator(require_POST)
    def note_view(self, request, pk):
        obj = self._changeable(request, pk)
        try:
            pipeline.request_note_add(request=obj, actor=request.user, text=request.POST.get("text", ""))
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary="Note added")
            self.message_user(request, "Note added.", messages.SUCCESS)
        return self._back(obj)

    @method_decorator(require_POST)
    def status_view(self, request, pk):
        obj = self._changeable(request, pk)
        status = request.POST.get("status", "")
        try:
            changed = pipeline.consultation_request_set_status(
                request=obj, status=status, actor=request.user, reason=request.POST.get("reason", "")
            )
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return self._back(obj)
        if changed:
            audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary=f"Status: {status}")
            self.message_user(request, f"Status changed to {Status(status).label.lower()}.", messages.SUCCESS)
        return self._back(obj)

    @method_decorator(require_POST)
    def link_view(self, request, pk):
        obj = self._changeable(request, pk)
        if request.POST.get("do") == "reissue":
            pipeline.intake_link_reissue(request=obj, actor=request.user)
            message = "Earlier links revoked; a new link is on its way to the patient."
        else:
            pipeline.intake_links_revoke(request=obj, actor=request.user)
            message = "The patient's intake links no longer work."
        audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary=message)
        self.message_user(request, message, messages.SUCCESS)
        return self._back(obj)

    @method_decorator(require_POST)
    def resend_view(self, request, pk, email_pk):
        obj = self._changeable(request, pk)
        email = get_object_or_404(Email, pk=email_pk, request=obj)
        if not pipeline.email_resend(email=email, actor=request.user):
            self.message_user(
                request,
                "This email is being sent right now, or no longer applies, so it was not resent.",
                messages.WARNING,
            )
            return self._back(obj)
        audit_record(request=request, action=AuditEvent.Action.CHANGE, obj=obj, summary=f"Resent email {email.pk}")
        self.message_user(request, "The email will be sent again.", messages.SUCCESS)
        return self._back(obj)


def _csv_safe(value):
    """Spreadsheets run cells that start with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- The medication catalog ------------------------------------------------------------------------


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["generic", "brands", "drug_class", "min_adequate_daily_dose_mg", "augmentation", "dose_source"]
    list_filter = ["drug_class", "augmentation"]
    search_fields = ["generic", "brands"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every stored screening summary depends on the catalog.
        count = intake_services.screenings_recompute()
        self.message_user(request, f"Screening summaries recomputed for {count} intake(s).", messages.INFO)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        intake_services.screenings_recompute()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        intake_services.screenings_recompute()


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    """Delivery state of every email; read-only (resend from the request page)."""

    list_display = ["request", "kind", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["=request__reference"]
    list_select_related = ["request"]
    show_full_result_count = False
