"""The medication catalog and the delivery state of emails."""

from django.contrib import admin, messages

from booking import services
from booking.models import Email, Medication
from core.admin import AuditedAdminMixin, ReadOnlyAdmin


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["generic", "brands", "drug_class", "min_adequate_daily_dose_mg", "augmentation", "dose_source"]
    list_filter = ["drug_class", "augmentation"]
    search_fields = ["generic", "brands"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every stored screening summary depends on the catalog.
        count = services.screenings_recompute()
        self.message_user(request, f"Screening summaries recomputed for {count} intake(s).", messages.INFO)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.screenings_recompute()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.screenings_recompute()


@admin.register(Email)
class EmailAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    """Delivery state of every email; read-only (resend from the request page)."""

    list_display = ["request", "kind_label", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["=request__reference"]
    list_select_related = ["request"]
    show_full_result_count = False

    @admin.display(description="Kind", ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label
