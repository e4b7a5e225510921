"""Text-message consent and STOP/START replies in the admin: records kept by the system, read only."""

from django.contrib import admin

from booking.models import SmsConsent, SmsOptOut
from core.admin import ReadOnlyAdmin


@admin.register(SmsConsent)
class SmsConsentAdmin(ReadOnlyAdmin):
    """Who agreed to reminder texts, for which number, when, and the words they saw."""

    list_display = ["request", "phone", "given_at"]
    search_fields = ["=request__reference"]
    list_select_related = ["request"]
    fields = ["request", "phone", "given_at", "text"]


@admin.register(SmsOptOut)
class SmsOptOutAdmin(ReadOnlyAdmin):
    """Every STOP or START received; the latest for a number decides whether it gets texts."""

    list_display = ["phone", "action", "keyword", "received_at"]
    list_filter = ["action"]
    search_fields = ["=phone"]
