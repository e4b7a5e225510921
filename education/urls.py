from django.urls import path

from education import views

app_name = "education"

# Article slugs cannot be "search" or "topics" (see models.RESERVED_SLUGS).
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
