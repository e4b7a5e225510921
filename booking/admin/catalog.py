"""What the screening rules read (the medication catalog, payer policies, carriers' policies) and
the delivery state of emails. Saving any of the first three recomputes the stored summaries in a
worker (booking.services), not inside the admin request."""

import json

from django import forms
from django.contrib import admin, messages

from booking import services
from booking.models import CarrierPolicy, Email, Medication, PayerPolicy
from core.admin import AuditedAdminMixin, ReadOnlyAdmin

RECOMPUTING = "Screening summaries are being recomputed in the background."


class RecomputingAdminMixin:
    """Saves and deletes go through a service that audits them and recomputes summaries after commit."""

    save_service = None
    delete_service = None
    delete_argument = ""

    def save_model(self, request, obj, form, change):
        type(self).save_service(**{self.save_argument: obj, "actor": request.user})
        self.message_user(request, RECOMPUTING, messages.INFO)

    def delete_model(self, request, obj):
        type(self).delete_service(**{self.delete_argument: type(obj).objects.filter(pk=obj.pk), "actor": request.user})

    def delete_queryset(self, request, queryset):
        type(self).delete_service(**{self.delete_argument: queryset, "actor": request.user})


@admin.register(Medication)
class MedicationAdmin(RecomputingAdminMixin, admin.ModelAdmin):
    list_display = ["generic", "brands", "drug_class", "dose", "augmentation", "components", "dose_source"]
    list_filter = ["drug_class", "augmentation", "dose_unit"]
    search_fields = ["generic", "brands"]
    save_service, save_argument = services.medication_save, "medication"
    delete_service, delete_argument = services.medications_delete, "medications"

    @admin.display(description="Minimum adequate daily dose", ordering="min_adequate_daily_dose")
    def dose(self, obj):
        if obj.min_adequate_daily_dose is None:
            return "—"
        return f"{format(obj.min_adequate_daily_dose.normalize(), 'f')} {obj.dose_unit}"


class IndentedJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class PayerPolicyForm(forms.ModelForm):
    data = IndentedJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text="The policy's id, treatment, source, criteria (each with value, basis, where and status), "
        "exclusions and notes. Checked before it is saved; every figure cites where it comes from.",
    )

    class Meta:
        model = PayerPolicy
        fields = ["key", "data"]


@admin.register(PayerPolicy)
class PayerPolicyAdmin(RecomputingAdminMixin, admin.ModelAdmin):
    form = PayerPolicyForm
    list_display = ["key", "treatment", "title", "revision", "updated_at", "updated_by"]
    list_filter = ["treatment"]
    search_fields = ["key", "title"]
    readonly_fields = ["treatment", "title", "revision", "updated_at", "updated_by"]
    save_service, save_argument = services.payer_policy_save, "policy"

    def get_readonly_fields(self, request, obj=None):
        # The id is what summaries and carriers refer to: fixed once the policy exists.
        return [*self.readonly_fields, "key"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Summaries name the policies they used; a policy is retired by mapping carriers elsewhere.
        return False


@admin.register(CarrierPolicy)
class CarrierPolicyAdmin(RecomputingAdminMixin, admin.ModelAdmin):
    list_display = ["carrier", "tms_policy", "spravato_policy", "updated_at"]
    search_fields = ["carrier"]
    list_select_related = ["tms_policy", "spravato_policy"]
    save_service, save_argument = services.carrier_policy_save, "mapping"
    delete_service, delete_argument = services.carrier_policies_delete, "mappings"


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
