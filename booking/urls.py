from django.urls import path

from booking import views

app_name = "booking"

urlpatterns = [
    path("", views.request_consultation, name="request"),
    path("thanks/", views.thanks, name="thanks"),
    path("intake/", views.intake, name="intake"),
    path("intake/<str:token>/", views.intake_start, name="intake_start"),
]
