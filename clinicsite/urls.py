from django.urls import path

from clinicsite import views

app_name = "clinicsite"

urlpatterns = [
    path("team/", views.TeamView.as_view(), name="team"),
    path("locations/", views.LocationsView.as_view(), name="locations"),
    path("insurance-and-costs/", views.InsuranceView.as_view(), name="insurance"),
    path("questions/", views.FaqView.as_view(), name="faq"),
    path("contact/", views.ContactView.as_view(), name="contact"),
]
