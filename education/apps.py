from django.apps import AppConfig


class EducationConfig(AppConfig):
    """Articles, topics, reviewers and their reviews, search and the sitemap, and the clinic's own pages."""

    name = "education"
    verbose_name = "Education"

    def ready(self):
        from education import signals  # noqa: F401  (connects the cache invalidation receivers)
