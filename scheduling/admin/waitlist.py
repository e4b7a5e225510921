"""The waitlist in the admin: who waits for which consultation and location, in order, their
offers, and an action to offer a time by hand (the same service as the automatic offers)."""

from django.contrib import admin, messages
from django.utils import timezone

from core.admin import AuditedAdminMixin
from scheduling import slots, waitlist, waitlist_rules
from scheduling.models import WaitlistEntry, WaitlistOffer


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    extra = 0
    can_delete = False
    fields = ["start", "status", "expires_at", "offered_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "request",
        "consultation_type",
        "location",
        "weekdays_label",
        "day_parts_label",
        "status",
        "created_at",
    ]
    list_filter = ["status", "consultation_type", "location"]
    list_select_related = ["request", "consultation_type", "location"]
    search_fields = ["request__reference", "request__first_name", "request__last_name"]
    # Waitlist order: who joined first is offered first.
    ordering = ["consultation_type", "location", "created_at", "pk"]
    fields = [
        "request",
        "consultation_type",
        "location",
        "weekdays_label",
        "day_parts_label",
        "offer_before",
        "status",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [WaitlistOfferInline]
    actions = ["offer_next_time"]

    def audit_label(self, obj):
        return f"waitlist entry of {obj.request.reference}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Offer the next open time that suits them", permissions=["change"])
    def offer_next_time(self, request, queryset):
        now = timezone.now()
        offered, none = 0, []
        for entry in queryset.filter(status=WaitlistEntry.Status.WAITING).select_related(
            "request", "consultation_type", "location"
        ):
            start = _next_suitable(entry, now)
            made = (
                waitlist.waitlist_offer_time(
                    consultation_type=entry.consultation_type,
                    location=entry.location,
                    start=start,
                    entries=[entry],
                    by=request.user,
                    now=now,
                )
                if start
                else []
            )
            if made:
                offered += 1
            else:
                none.append(entry.request.reference)
        if offered:
            self.message_user(request, f"Offered a time to {offered} patient(s).", messages.SUCCESS)
        if none:
            self.message_user(
                request,
                "No open time suits, or one is already on offer, for: " + ", ".join(none),
                messages.WARNING,
            )


def _next_suitable(entry, now):
    """The earliest open time that suits the entry and that it was not offered already."""
    tried = set(entry.offers.values_list("start", flat=True))
    open_by_day = slots.open_slots(consultation_type=entry.consultation_type, location=entry.location, now=now)
    for day in sorted(open_by_day):
        for slot in open_by_day[day]:
            local = timezone.localtime(slot.start, entry.location.tz)
            # Staff may offer a time later than the patient hoped for: they will have spoken.
            if slot.start not in tried and waitlist_rules.suits(
                local, weekdays=entry.weekdays, day_parts=entry.day_parts
            ):
                return slot.start
    return None
