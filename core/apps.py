from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces every app may import; core itself imports no app of the project."""

    name = "core"
    verbose_name = "Audit trail"

    def ready(self):
        # Connects the sign-in receivers; signin imports audit, so a failure is recorded before it is counted.
        from core import audit, pagecache, signin  # noqa: F401

        pagecache.connect_signals()
