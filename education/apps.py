from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = "Education"

    def ready(self):
        from education import signals  # noqa: F401  (connects the cache invalidation receivers)
