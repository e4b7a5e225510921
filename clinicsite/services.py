"""Writes to the clinic's own pages."""

from django.db import transaction

from clinicsite import brand
from clinicsite.models import SiteSettings


@transaction.atomic
def site_settings_save(*, site_settings: SiteSettings) -> SiteSettings:
    """Check and save the one settings row; every page shows the change at once."""
    site_settings.pk = 1
    site_settings.full_clean()
    site_settings.save()
    brand.cache.invalidate()
    return site_settings


def site_settings_get() -> SiteSettings:
    """The settings row, made with the defaults when there is none yet."""
    row, _ = SiteSettings.objects.get_or_create(pk=1)
    return row
