"""Admin building blocks every app uses: audited views of health data, read-only records,
a paginator for big tables, and the audit trail's own page."""

import json

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from core.audit import audit_record
from core.models import AuditEvent


class AuditedAdminMixin:
    """Records every look at a record's page or a list of records, and every change or deletion
    made through the admin.

    Any rendered response of these pages shows health data, whatever the method (the admin
    refuses methods other than GET, HEAD and POST: core.middleware.AdminMethodsMiddleware), so
    each one is recorded. ``audit_label`` names the object in the summary (a reference code,
    never a health detail); a list records its query (the filters reveal answers) and the ids shown.
    """

    def audit_label(self, obj) -> str:
        return str(obj.pk)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if response.status_code == 200 else None
        if changelist is not None:
            ids = [obj.pk for obj in changelist.result_list]
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                model=self.model,
                summary=f"Listed {len(ids)} {self.model._meta.verbose_name_plural}",
                details={"query": request.GET.urlencode()[:2000], "ids": ids},
            )
        return response

    def _audit_object_page(self, request, response, page):
        obj = getattr(response, "context_data", {}).get("object") if response.status_code == 200 else None
        if obj is not None:
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                obj=obj,
                summary=f"Viewed the {page} page of {self.audit_label(obj)}",
            )

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._audit_object_page(request, response, "delete confirmation")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_object_page(request, response, "history")
        return response

    def delete_model(self, request, obj):
        audit_record(
            request=request, action=AuditEvent.Action.DELETE, obj=obj, summary=f"Deleted {self.audit_label(obj)}"
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                request=request, action=AuditEvent.Action.DELETE, obj=obj, summary=f"Deleted {self.audit_label(obj)}"
            )
        super().delete_queryset(request, queryset)

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
    """Counting every row of a big table on each page load is slow on PostgreSQL (a filter that
    keeps 700,000 of a million requests takes longer to count than the page takes to show).
    Up to ``exact_up_to`` rows are counted; beyond that, the planner's estimate is close enough
    for page numbers: the table's own for an unfiltered list, the plan's for a filtered one.
    Keep ``exact_up_to`` above the admin's ``list_max_show_all``: a list whose count is below
    that may be shown whole, and an estimate is never below what was counted."""

    exact_up_to = 10_000

    @cached_property
    def count(self):
        if connection.vendor != "postgresql":
            return super().count
        queryset = self.object_list.order_by()
        # Counting stops after exact_up_to + 1 rows, however many match.
        counted = queryset.values("pk")[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        if not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
        else:
            estimate = json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]
        return max(int(estimate), counted)


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
