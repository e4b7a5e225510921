from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("book/", views.book, name="book"),
    path("booked/", views.booked, name="booked"),
    path("manage/", views.manage, name="manage"),
    path("manage/change/", views.change, name="change"),
    path("manage/cancel/", views.cancel, name="cancel"),
    path("manage/<str:token>/", views.manage_start, name="manage_start"),
    path("waitlist/", views.waitlist_join, name="waitlist_join"),
    path("offer/", views.offer, name="offer"),
    path("offer/<str:token>/", views.offer_start, name="offer_start"),
]
