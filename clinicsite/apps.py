from django.apps import AppConfig


class ClinicsiteConfig(AppConfig):
    """The clinic's identity (name, logo, colours) and its own pages: team, locations,
    insurance and costs, questions, contact."""

    name = "clinicsite"
    verbose_name = "Clinic website"
