"""List filters of the request pipeline."""

from django.contrib import admin

from booking import screening


class IntakeStateFilter(admin.SimpleListFilter):
    title = "intake"
    parameter_name = "intake"

    def lookups(self, request, model_admin):
        return [("none", "Not started"), ("in_progress", "In progress"), ("complete", "Complete")]

    def queryset(self, request, queryset):
        return {
            "none": queryset.filter(intake__isnull=True),
            "in_progress": queryset.filter(intake__isnull=False, intake__submitted_at__isnull=True),
            "complete": queryset.filter(intake__submitted_at__isnull=False),
        }.get(self.value(), queryset)


def yes_no_filter(field, title, parameter):
    class YesNoFilter(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            return [("yes", "Yes"), ("no", "No")]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(**{field: True})
            if self.value() == "no":
                return queryset.exclude(**{field: True})
            return queryset

    YesNoFilter.title = title
    YesNoFilter.parameter_name = parameter
    return YesNoFilter


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


def outcome_filter(field, title, parameter):
    """One outcome at a time: "Criteria likely met" lists only likely-met ones, so a reported
    contraindication or a policy's exclusion never appears under it."""

    class OutcomeFilter(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            return [(key, screening.OUTCOME_LABELS[key]) for key in screening.OUTCOMES] + [("none", "No summary yet")]

        def queryset(self, request, queryset):
            if self.value() in screening.OUTCOMES:
                return queryset.filter(**{field: self.value()})
            if self.value() == "none":
                return queryset.filter(**{f"{field}__in": ["", None]})
            return queryset

    OutcomeFilter.title = title
    OutcomeFilter.parameter_name = parameter
    return OutcomeFilter
