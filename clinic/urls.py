from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clinic import views
from education import views as education_views
from education.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("health/", views.health, name="health"),
    path("learn/", include("education.urls")),
    path("consultation/", include("booking.urls")),
    path("appointments/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("robots.txt", education_views.robots_txt, name="robots_txt"),
]

handler500 = "clinic.views.server_error"
