from django.urls import path

from booking import intake_views, views

app_name = "booking"

urlpatterns = [
    path("", views.request_consultation, name="request"),
    path("thanks/", views.thanks, name="thanks"),
    path("intake/", intake_views.intake, name="intake"),
    path("intake/step/<int:step>/", intake_views.intake_step, name="intake_step"),
    path("intake/support/", intake_views.intake_support, name="intake_support"),
    path("intake/done/", intake_views.intake_done, name="intake_done"),
    path("intake/confirm/", views.intake_confirm, name="intake_confirm"),
    path("intake/sign-out/", intake_views.intake_sign_out, name="intake_sign_out"),
    path("intake/<str:token>/", views.intake_start, name="intake_start"),
]
