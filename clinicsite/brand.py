"""The clinic's brand as every page needs it, cached on every web machine and forgotten at once
when the site settings are saved (so a change shows without a deploy)."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.templatetags.static import static

from clinicsite import contrast
from clinicsite.models import SiteSettings
from core.caching import VersionedCache

logger = logging.getLogger(__name__)

cache = VersionedCache("clinicsite", timeout=lambda: settings.CLINICSITE_CACHE_SECONDS)

DEFAULT_PRIMARY = SiteSettings._meta.get_field("primary_colour").default
DEFAULT_ACCENT = SiteSettings._meta.get_field("accent_colour").default


_UNREADABLE = object()


def _row() -> SiteSettings | None:
    try:
        return SiteSettings.objects.filter(pk=1).first()
    except DatabaseError:
        # The database is down, or not migrated yet: pages (a 404, the health of the site) still
        # render, in the default theme. Nothing is cached, so the brand returns with the database.
        logger.warning("Site settings could not be read; the default theme is shown.")
        return _UNREADABLE


def _build() -> dict | None:
    row = _row()
    if row is _UNREADABLE:
        return None  # not cached: get_or_build never stores None
    return _build_from(row)


def _build_from(row: SiteSettings | None) -> dict:
    primary = row.primary_colour if row else DEFAULT_PRIMARY
    accent = row.accent_colour if row else DEFAULT_ACCENT
    name = (row.name if row else "") or settings.CLINIC_NAME
    return {
        "name": name,
        "tagline": row.tagline if row else "",
        "logo_url": row.logo.url if row and row.logo else "",
        "logo_alt": (row.logo_alt if row else "") or name,
        "favicon_url": row.favicon.url if row and row.favicon else "",
        "social_image_url": row.social_image.url if row and row.social_image else "",
        "insurance_intro": row.insurance_intro if row else "",
        "prior_authorization": row.prior_authorization if row else "",
        "tagline_es": row.tagline_es if row else "",
        "hours_es": row.hours_es if row else "",
        "insurance_intro_es": row.insurance_intro_es if row else "",
        "prior_authorization_es": row.prior_authorization_es if row else "",
        "colours": {
            "primary": primary,
            "primary_dark": contrast.darken(primary, 0.18),
            "primary_soft": contrast.tint(primary, 0.9),
            "accent": accent,
            "accent_dark": contrast.darken(accent, 0.08),
        },
    }


def brand_get() -> dict:
    """Name, tagline, image addresses and colours; the defaults when nothing is set."""
    value = cache.get_or_build("brand", _build)
    if value is None:
        value = _build_from(None)
    value = dict(value)
    value["favicon_url"] = value["favicon_url"] or static("img/favicon.svg")
    value["version"] = cache.version()[:12]
    return value


def brand_css(colours: dict) -> str:
    """The custom properties site.css reads; nothing else, so no rule can be injected."""
    lines = [f"  --brand-{name.replace('_', '-')}: {contrast.normalise(value)};" for name, value in colours.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"
