from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces every app may import; core itself imports no app of the project."""

    name = "core"
    verbose_name = "Audit trail"

    def ready(self):
        from core import audit  # noqa: F401 - connects the sign-in receivers
