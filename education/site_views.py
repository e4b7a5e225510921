"""The clinic's own pages that are not articles: the home page and the privacy notice."""

from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "clinic/home.html"


class PrivacyView(TemplateView):
    template_name = "clinic/privacy.html"
