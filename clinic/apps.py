from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    """The project package: settings, URLs, the Celery app and the staff admin site, wiring the apps together."""

    default = True
    name = "clinic"
    verbose_name = "Clinic site"


class ClinicAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "clinic.admin_site.ClinicAdminSite"
