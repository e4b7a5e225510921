"""Appointments in the admin: the list, the page (audited: it names the patient), and actions
that call scheduling's services. The agenda and the move form are in scheduling/admin/views.py."""

from functools import partial

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import AuditedAdminMixin
from scheduling import services
from scheduling.admin import views
from scheduling.models import Appointment, AppointmentChange


class AppointmentChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "action", "by", "old_start", "new_start", "note"]
    readonly_fields = fields
    verbose_name = "change"
    verbose_name_plural = "history"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="by")
    def by(self, obj):
        return obj.by_label


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["local_start_display", "patient", "consultation_type", "staff", "location", "status"]
    list_filter = ["status", "location", "consultation_type", "staff"]
    list_select_related = ["request", "consultation_type", "staff", "location"]
    search_fields = ["request__reference", "request__first_name", "request__last_name", "request__email"]
    date_hierarchy = "start"
    ordering = ["-start"]
    fields = [
        "request_link",
        "consultation_type",
        "staff",
        "location",
        "local_start_display",
        "end",
        "status",
        "sequence",
        "uid",
        "created_at",
        "updated_at",
        "reschedule_link",
    ]
    readonly_fields = fields
    inlines = [AppointmentChangeInline]
    actions = ["cancel_selected", "mark_completed", "mark_no_show"]
    change_list_template = "scheduling/admin/appointment_change_list.html"

    def has_add_permission(self, request):
        # Appointments are booked through the service (slots, emails, the calendar invite).
        return False

    def has_delete_permission(self, request, obj=None):
        # Cancel instead, so the patient's calendar is told and the history kept.
        return False

    @admin.display(description="when", ordering="start")
    def local_start_display(self, obj):
        return f"{obj.local_start:%a %Y-%m-%d %H:%M %Z}"

    @admin.display(description="patient", ordering="request__last_name")
    def patient(self, obj):
        return f"{obj.request.first_name} {obj.request.last_name} ({obj.request.reference})"

    @admin.display(description="request")
    def request_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.request.get_admin_url(), obj.request)

    @admin.display(description="reschedule")
    def reschedule_link(self, obj):
        if obj.status != Appointment.Status.BOOKED:
            return "-"
        url = reverse("admin:scheduling_appointment_reschedule", args=[obj.pk])
        return format_html('<a class="button" href="{}">Move to another time</a>', url)

    def audit_label(self, obj):
        return f"appointment {obj.pk} for {obj.request.reference}"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, model_admin=self))

        custom = [
            path("agenda/", wrap(views.agenda_view), name="scheduling_appointment_agenda"),
            path("<int:pk>/reschedule/", wrap(views.reschedule_view), name="scheduling_appointment_reschedule"),
        ]
        return custom + super().get_urls()

    @admin.action(description="Cancel the selected appointments (the patients are emailed)", permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._each(
            request, queryset, lambda a: services.appointment_cancel(appointment=a, by=request.user), "cancelled"
        )

    @admin.action(description="Mark as completed", permissions=["change"])
    def mark_completed(self, request, queryset):
        self._close(request, queryset, Appointment.Status.COMPLETED, "marked completed")

    @admin.action(description="Mark as no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._close(request, queryset, Appointment.Status.NO_SHOW, "marked no-show")

    def _close(self, request, queryset, status, done):
        def close(appointment):
            services.appointment_close(appointment=appointment, status=status, by=request.user)

        self._each(request, queryset, close, done)

    def _each(self, request, queryset, action, done):
        count = skipped = 0
        for appointment in queryset:
            try:
                action(appointment)
                count += 1
            except services.ChangeWindowPassed:
                skipped += 1
        self.message_user(request, f"{count} appointment(s) {done}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} skipped: not booked any more.", messages.WARNING)
