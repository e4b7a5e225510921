"""The site's addresses: each app's URLs under its own prefix, and the site-wide files."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core import views as core_views
from education.site_views import HomeView, PrivacyView
from education.sitemaps import SITEMAPS

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("health/", core_views.health, name="health"),
    path("learn/", include("education.urls")),
    path("consultation/", include("booking.urls")),
    path("appointments/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler500 = "core.views.server_error"
