from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from scheduling import services, slots
from scheduling.models import (
    Appointment,
    AppointmentChange,
    Availability,
    AvailabilityException,
    ConsultationType,
    Location,
)


class ScheduleSetupAdmin(admin.ModelAdmin):
    """Types, locations and hours decide the open times: patients' cached day lists are dropped
    whenever staff change them."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(slots.schedule_changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(slots.schedule_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(slots.schedule_changed)


@admin.register(ConsultationType)
class ConsultationTypeAdmin(ScheduleSetupAdmin):
    list_display = ["name", "mode", "duration_minutes", "buffer_minutes", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["mode", "is_active"]
    filter_horizontal = ["staff"]


@admin.register(Location)
class LocationAdmin(ScheduleSetupAdmin):
    list_display = ["name", "address", "time_zone", "is_active"]
    list_filter = ["is_active", "time_zone"]


@admin.register(Availability)
class AvailabilityAdmin(ScheduleSetupAdmin):
    list_display = ["staff", "location", "weekday", "start_time", "end_time"]
    list_filter = ["location", "weekday", "staff"]
    list_select_related = ["staff", "location"]
    ordering = ["staff", "location", "weekday", "start_time"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ScheduleSetupAdmin):
    list_display = ["__str__", "location", "start_date", "end_date", "reason"]
    list_filter = ["location", "staff"]
    list_select_related = ["staff", "location"]
    date_hierarchy = "start_date"


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


class RescheduleForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time (at the location)", widget=forms.TimeInput(attrs={"type": "time"}))
    staff = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_staff=True, is_active=True))

    def __init__(self, *args, tz: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time"):
            local = datetime.combine(cleaned["day"], cleaned["time"], tzinfo=self.tz)
            start = local.astimezone(ZoneInfo("UTC"))
            # A wall-clock time skipped by a daylight-saving change does not survive the round trip.
            if start.astimezone(self.tz).replace(tzinfo=None) != local.replace(tzinfo=None):
                raise forms.ValidationError("That time does not exist on that day (the clocks change).")
            cleaned["start"] = start
        return cleaned


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
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

    def get_urls(self):
        custom = [
            path("agenda/", self.admin_site.admin_view(self.agenda_view), name="scheduling_appointment_agenda"),
            path(
                "<int:pk>/reschedule/",
                self.admin_site.admin_view(self.reschedule_view),
                name="scheduling_appointment_reschedule",
            ),
        ]
        return custom + super().get_urls()

    @admin.action(description="Cancel the selected appointments (the patients are emailed)", permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._each(
            request, queryset, lambda a: services.appointment_cancel(appointment=a, by=request.user), "cancelled"
        )

    @admin.action(description="Mark as completed", permissions=["change"])
    def mark_completed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda a: services.appointment_close(appointment=a, status=Appointment.Status.COMPLETED, by=request.user),
            "marked completed",
        )

    @admin.action(description="Mark as no-show", permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda a: services.appointment_close(appointment=a, status=Appointment.Status.NO_SHOW, by=request.user),
            "marked no-show",
        )

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

    def reschedule_view(self, request, pk):
        appointment = get_object_or_404(Appointment.objects.select_related("location", "request"), pk=pk)
        if not self.has_change_permission(request, appointment):
            return redirect("admin:index")
        tz = appointment.location.tz
        initial = {
            "day": appointment.local_start.date(),
            "time": appointment.local_start.time(),
            "staff": appointment.staff,
        }
        form = RescheduleForm(request.POST or None, initial=initial, tz=tz)
        if request.method == "POST" and form.is_valid():
            try:
                services.appointment_reschedule(
                    appointment=appointment,
                    start=form.cleaned_data["start"],
                    by=request.user,
                    staff_id=form.cleaned_data["staff"].pk,
                )
            except services.SlotUnavailable:
                form.add_error(None, "That person already has a booking overlapping that time (buffers included).")
            except services.ChangeWindowPassed:
                form.add_error(None, "This appointment is no longer booked.")
            else:
                self.message_user(request, "Appointment moved; the patient is emailed an updated invite.")
                return redirect("admin:scheduling_appointment_change", appointment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Move appointment {appointment}",
            "appointment": appointment,
            "form": form,
            "opts": self.model._meta,
            "time_zone": tz.key,
        }
        return render(request, "scheduling/admin/reschedule.html", context)

    def agenda_view(self, request):
        """Booked consultations for a day or a week, per location, in the location's time."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            day = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        span = "week" if request.GET.get("span") == "week" else "day"
        first = day - timedelta(days=day.weekday()) if span == "week" else day
        last = first + timedelta(days=6 if span == "week" else 0)
        # Loose UTC bounds (a day either side covers every zone); exact local days are grouped below.
        appointments = (
            Appointment.objects.filter(
                status__in=[Appointment.Status.BOOKED, Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW],
                start__gte=datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("UTC")),
                start__lt=datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=ZoneInfo("UTC")),
            )
            .select_related("request", "consultation_type", "staff", "location")
            .order_by("start")
        )
        location_id = request.GET.get("location")
        if location_id and location_id.isdigit():
            appointments = appointments.filter(location_id=int(location_id))
        days = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
        for appointment in appointments:
            local_day = appointment.local_start.date()
            if local_day in days:
                days[local_day].append(appointment)
        step = timedelta(days=7 if span == "week" else 1)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Agenda: {'week of ' if span == 'week' else ''}{first:%A %B %-d, %Y}",
            "opts": self.model._meta,
            "days": sorted(days.items()),
            "span": span,
            "date": day,
            "previous": day - step,
            "next": day + step,
            "locations": Location.objects.all(),
            "location_id": int(location_id) if location_id and location_id.isdigit() else None,
        }
        return render(request, "scheduling/admin/agenda.html", context)
