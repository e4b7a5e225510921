"""Admin building blocks every app uses: audited views of health data, read-only records,
a paginator for big tables, and the audit trail's own page."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from core.audit import audit_record
from core.models import AuditEvent


class AuditedAdminMixin:
    """Records every look at a record's page and every change saved through the admin.

    Any response of the change page shows the record, whatever the method, so each one is
    recorded; a successful save is recorded as a change. ``audit_label`` names the object in
    the summary (a reference code, never a health detail).
    """

    def audit_label(self, obj) -> str:
        return str(obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original") if response.status_code == 200 else None
        if obj is not None:
            audit_record(
                request=request, action=AuditEvent.Action.VIEW, obj=obj, summary=f"Viewed {self.audit_label(obj)}"
            )
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                request=request,
                action=AuditEvent.Action.CHANGE,
                obj=obj,
                summary=f"Edited {', '.join(form.changed_data)}",
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept by the system (audit entries, email deliveries): nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Readable by superusers only; nobody can add, change or delete an entry."""

    list_display = ["at", "username", "action", "object_type", "object_id", "summary", "ip_address"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_id", "summary"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
