"""Consultation types, locations and hours: what decides the open times."""

from django.contrib import admin
from django.db import transaction

from scheduling import slots
from scheduling.models import Availability, AvailabilityException, ConsultationType, Location


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
    fieldsets = [
        (None, {"fields": ["name", "address", "time_zone", "is_active"]}),
        (
            "On the locations page",
            {"fields": ["phone", "hours", "transit_notes", "parking_notes", "directions_query"]},
        ),
    ]


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
