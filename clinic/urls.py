"""The site's addresses: each app's URLs under its own prefix, and the site-wide files."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from clinicsite import views as clinicsite_views
from clinicsite.sitemaps import SITEMAPS as CLINICSITE_SITEMAPS
from core import views as core_views
from education.site_views import HomeView, PrivacyView
from education.sitemaps import SITEMAPS as EDUCATION_SITEMAPS

SITEMAPS = {**CLINICSITE_SITEMAPS, **EDUCATION_SITEMAPS}

# Machine-facing and staff addresses: one address each, in no language prefix. The webhooks come
# before the public pages so /consultation/sms/... never reaches the booking pages.
urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("consultation/sms/", include("booking.sms_urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("brand.css", clinicsite_views.brand_css, name="brand_css"),
    path("favicon.ico", clinicsite_views.favicon, name="favicon"),
]

# The pages patients read: English at the unprefixed addresses, other languages under /es/ etc.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("learn/", include("education.urls")),
    path("consultation/", include("booking.urls")),
    path("appointments/", include("scheduling.urls")),
    path("about/", include("clinicsite.urls")),
    prefix_default_language=False,
)

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", clinicsite_views.media_file, name="media")
    )

handler500 = "core.views.server_error"
