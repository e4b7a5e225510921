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
]
