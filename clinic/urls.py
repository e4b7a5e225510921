from django.contrib import admin
from django.urls import include, path

from clinic import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("health/", views.health, name="health"),
    path("learn/", include("education.urls")),
    path("consultation/", include("booking.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = "Clinic staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Consultation requests and education"
