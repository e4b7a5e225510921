from django.contrib import admin

from booking.models import ConsultationRequest, Email


class EmailInline(admin.TabularInline):
    model = Email
    extra = 0
    can_delete = False
    fields = ["kind", "status", "attempts", "last_error", "created_at", "sent_at"]
    readonly_fields = fields


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "first_name", "last_name", "status", "urgent", "created_at"]
    list_filter = ["status", "urgent", "interest"]
    search_fields = ["reference", "first_name", "last_name", "email"]
    inlines = [EmailInline]
