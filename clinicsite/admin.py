from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from clinicsite import services
from clinicsite.models import Clinician, InsuranceCarrier, LocationSpanish, Question, SelfPayPrice, SiteSettings

# Spanish twins sit in their own collapsed section, under the English they translate.
SPANISH = "In Spanish (optional)"


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One page: the list goes straight to it, and it can be neither added twice nor deleted."""

    fieldsets = [
        ("Name", {"fields": ["name", "tagline"]}),
        ("Images", {"fields": ["logo", "logo_alt", "favicon", "social_image"]}),
        ("Colours", {"fields": ["primary_colour", "accent_colour"]}),
        ("Insurance and costs page", {"fields": ["insurance_intro", "prior_authorization"]}),
        (
            SPANISH,
            {
                "fields": ["tagline_es", "hours_es", "insurance_intro_es", "prior_authorization_es"],
                "classes": ["collapse"],
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        row = services.site_settings_get()
        return redirect(reverse("admin:clinicsite_sitesettings_change", args=[row.pk]))

    def save_model(self, request, obj, form, change):
        services.site_settings_save(site_settings=obj)


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role", "order", "is_published"]
    list_editable = ["order", "is_published"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "credentials", "role", "photo", "photo_alt", "bio", "order", "is_published"]}),
        (SPANISH, {"fields": ["credentials_es", "role_es", "photo_alt_es", "bio_es"], "classes": ["collapse"]}),
    ]


@admin.register(InsuranceCarrier)
class InsuranceCarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "covers", "notes", "order"]
    list_editable = ["order"]


@admin.register(SelfPayPrice)
class SelfPayPriceAdmin(admin.ModelAdmin):
    list_display = ["service", "price", "order"]
    list_editable = ["order"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "question_es", "order", "is_published", "is_example"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_example", "is_published"]
    fieldsets = [
        (None, {"fields": ["question", "answer", "order", "is_published", "is_example"]}),
        (SPANISH, {"fields": ["question_es", "answer_es"]}),
    ]


@admin.register(LocationSpanish)
class LocationSpanishAdmin(admin.ModelAdmin):
    """The Spanish words of the locations page; a location without a row shows its English there."""

    list_display = ["location", "name"]
    list_select_related = ["location"]
