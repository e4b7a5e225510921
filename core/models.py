"""The audit trail: who looked at or changed what, when, and from where."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Append-only. Nobody can edit or delete these in the admin; superusers can read them."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOGOUT = "logout", "Signed out"
        DELETE = "delete", "Deleted"
        IDENTITY_CONFIRMED = "identity_confirmed", "Confirmed identity"
        IDENTITY_CHECK_FAILED = "identity_check_failed", "Failed identity check"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    # For a failed sign-in there is no user: the name that was typed.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # What does not fit a sentence: the requests an export held, the filters of a list.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        # The table keeps the name it had when the audit trail lived in the project package.
        db_table = "clinic_auditevent"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="clinic_audi_object__8f3e91_idx"),
            # Failed and successful sign-ins per account (core/signin.py).
            models.Index(fields=["username", "action", "at"], name="audit_username_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.summary}"
