"""Private intake links: an unguessable token for the patient, only its hash for us."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from booking.models import ConsultationRequest, IntakeLink
from core.audit import audit_record
from core.models import AuditEvent
from core.tokens import hash_token, new_token, plausible_token


def _new_link(request: ConsultationRequest, email=None) -> tuple[IntakeLink, str]:
    token, token_hash = new_token()
    link = IntakeLink.objects.create(
        request=request,
        email=email,
        token_hash=token_hash,
        expires_at=timezone.now() + timedelta(days=settings.INTAKE_LINK_DAYS),
    )
    return link, token


def intake_link_issue(*, request: ConsultationRequest, email=None) -> str:
    """Create a link for the request and return its token (put in one email, never stored).

    A retry of the same email (after a failure, or after a worker died mid-send) replaces the
    link that email carried: at most one working link per email, whatever happened to the last try.
    """
    if email is not None:
        IntakeLink.objects.filter(email=email, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return _new_link(request, email)[1]


def intake_link_for_this_browser(*, request: ConsultationRequest) -> IntakeLink:
    """A link for the browser that made the request: it keeps the link's id in its session, so
    the token is thrown away at once and exists nowhere but in the patient's email."""
    return _new_link(request)[0]


def intake_links_expire(*, request: ConsultationRequest) -> int:
    """Make every link of the request stop working (the staff action with its timeline entry is
    ``intake_links_revoke`` in booking.services.pipeline)."""
    return request.intake_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def intake_link_find(token: str) -> IntakeLink | None:
    """The link for a token, whether usable or not (the caller explains expiry)."""
    if not plausible_token(token):
        return None
    return IntakeLink.objects.select_related("request").filter(token_hash=hash_token(token)).first()


def intake_path(token: str) -> str:
    return reverse("booking:intake_start", args=[token])


def intake_url(token: str) -> str:
    return settings.SITE_URL + intake_path(token)


def intake_link_confirm_identity(*, link: IntakeLink | None, date_of_birth, http_request) -> bool:
    """Check the date of birth given for a link opened in a new browser, recording the try.

    An unknown link (``None``), a locked one and a wrong date answer alike, so the answer never
    tells whether a link is real. After INTAKE_CONFIRM_TRIES wrong dates the link opens in no new
    browser (the patient's own browser, and staff reissuing a link, are unaffected)."""
    tries = settings.INTAKE_CONFIRM_TRIES
    usable = link is not None and link.is_usable and link.verify_failures < tries
    if usable and link.request.date_of_birth == date_of_birth:
        audit_record(
            request=http_request,
            action=AuditEvent.Action.IDENTITY_CONFIRMED,
            obj=link,
            summary=f"Date of birth confirmed to open the intake of {link.request.reference} in a new browser",
        )
        return True
    if link is not None:
        IntakeLink.objects.filter(pk=link.pk).update(verify_failures=F("verify_failures") + 1)
        failures = link.verify_failures + 1
        state = "link now locked" if failures >= tries else f"try {failures} of {tries}"
        summary = f"Wrong date of birth for an intake link of {link.request.reference} ({state})"
    else:
        summary = "Date of birth given for an unknown intake link"
    audit_record(request=http_request, action=AuditEvent.Action.IDENTITY_CHECK_FAILED, obj=link, summary=summary)
    return False
