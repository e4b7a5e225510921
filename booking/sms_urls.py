"""The text-message provider's webhooks: outside the language prefixes, at one fixed address each."""

from django.urls import path

from booking import sms_views

app_name = "booking_sms"

urlpatterns = [
    path("inbound/", sms_views.inbound, name="inbound"),
    path("status/", sms_views.status, name="status"),
]
