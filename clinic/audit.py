"""Record audit events. Summaries name objects by id or reference, never by health details."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from clinic.models import AuditEvent
from clinic.ratelimit import client_ip


def audit_record(*, request, action: str, obj=None, summary: str = "") -> AuditEvent:
    user = getattr(request, "user", None) if request is not None else None
    authenticated = user is not None and user.is_authenticated
    address = client_ip(request) if request is not None else ""
    return AuditEvent.objects.create(
        actor=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        ip_address=address or None,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
    )


# Sign-ins have no other hook than these signals.
@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(request=request, action=AuditEvent.Action.LOGIN, summary="Signed in")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEvent.objects.create(
            actor=user,
            username=user.get_username(),
            action=AuditEvent.Action.LOGOUT,
            ip_address=(client_ip(request) or None) if request is not None else None,
            summary="Signed out",
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    event = audit_record(request=request, action=AuditEvent.Action.LOGIN_FAILED, summary="Failed sign-in")
    event.username = str(credentials.get("username", ""))[:150]
    event.save(update_fields=["username"])
