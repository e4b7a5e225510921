"""Record audit events. Summaries name objects by id or reference, never by health details.

Services record their own entries (``audit_record(actor=..., ...)``); the address of the
request being served comes from ``AuditContextMiddleware``, so no caller has to pass it along.
"""

from contextvars import ContextVar

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.models import AuditEvent
from core.ratelimit import client_ip

# The client address of the request this thread is serving (empty outside a request).
current_ip: ContextVar[str] = ContextVar("audit_current_ip", default="")


def audit_record(
    *, action: str, actor=None, obj=None, summary: str = "", request=None, details: dict | None = None, model=None
) -> AuditEvent:
    """Append one entry. ``request`` gives both the actor and the address; otherwise the
    address is that of the request being served, if any. ``model`` names the kind of record
    when there is no single object (a list page)."""
    if request is not None and actor is None:
        actor = getattr(request, "user", None)
    authenticated = actor is not None and actor.is_authenticated
    address = client_ip(request) if request is not None else current_ip.get()
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        username=actor.get_username() if authenticated else "",
        action=action,
        ip_address=address or None,
        object_type=obj._meta.label if obj is not None else (model._meta.label if model is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=details or {},
    )


class AuditContextMiddleware:
    """Makes the client address available to ``audit_record`` for the length of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


# Sign-ins have no other hook than these signals.
@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(request=request, actor=user, action=AuditEvent.Action.LOGIN, summary="Signed in")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request=request, actor=user, action=AuditEvent.Action.LOGOUT, summary="Signed out")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, second_factor=False, **kwargs):
    summary = "Failed sign-in: right password, wrong or missing code" if second_factor else "Failed sign-in"
    event = audit_record(request=request, action=AuditEvent.Action.LOGIN_FAILED, summary=summary)
    event.username = str(credentials.get("username", ""))[:150]
    event.save(update_fields=["username"])
