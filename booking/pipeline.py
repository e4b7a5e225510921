"""Staff actions on a request. Each one is recorded on the request's timeline."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking import links
from booking.emails import KINDS_WITH_INTAKE_LINK, SUPERSEDED, email_enqueue, email_queue
from booking.models import ConsultationRequest, Email, RequestEvent

Status = ConsultationRequest.Status


def consultation_request_set_status(
    *, request: ConsultationRequest, status: str, actor: AbstractBaseUser | None, reason: str = ""
) -> bool:
    """Move a request to a status; False (and nothing recorded) when it is already there."""
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}")
    if status == Status.NOT_A_FIT and not reason.strip():
        raise ValueError("A reason is needed to mark a request as not a fit.")
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == status:
            return False
        previous = locked.status
        locked.status = status
        fields = ["status", "updated_at"]
        if status == Status.CONTACTED and locked.first_contacted_at is None:
            locked.first_contacted_at = timezone.now()
            fields.append("first_contacted_at")
        locked.save(update_fields=fields)
        RequestEvent.objects.create(
            request=locked,
            actor=actor,
            kind=RequestEvent.Kind.STATUS,
            from_status=previous,
            to_status=status,
            text=reason.strip(),
        )
    request.refresh_from_db()
    return True


def consultation_request_assign(*, request: ConsultationRequest, user, actor) -> None:
    with transaction.atomic():
        ConsultationRequest.objects.filter(pk=request.pk).update(assigned_to=user, updated_at=timezone.now())
        RequestEvent.objects.create(
            request=request,
            actor=actor,
            kind=RequestEvent.Kind.ASSIGNED,
            text=f"Assigned to {user.get_full_name() or user.get_username()}" if user else "Unassigned",
        )
    request.refresh_from_db()


def request_note_add(*, request: ConsultationRequest, actor, text: str) -> RequestEvent:
    text = text.strip()
    if not text:
        raise ValueError("A note cannot be empty.")
    return RequestEvent.objects.create(request=request, actor=actor, kind=RequestEvent.Kind.NOTE, text=text)


def intake_link_reissue(*, request: ConsultationRequest, actor) -> Email | None:
    """Revoke every link and email the patient a new one."""
    with transaction.atomic():
        revoked = _revoke_links(request)
        sequence = request.emails.filter(kind=Email.Kind.INTAKE_LINK_REISSUED).count() + 1
        email = email_queue(request=request, kind=Email.Kind.INTAKE_LINK_REISSUED, sequence=sequence)
        RequestEvent.objects.create(
            request=request,
            actor=actor,
            kind=RequestEvent.Kind.LINK,
            text=f"{revoked} link(s) revoked; a new link was emailed to the patient.",
        )
    return email


def intake_links_revoke(*, request: ConsultationRequest, actor) -> int:
    with transaction.atomic():
        revoked = _revoke_links(request)
        RequestEvent.objects.create(
            request=request, actor=actor, kind=RequestEvent.Kind.LINK, text=f"{revoked} link(s) revoked."
        )
    return revoked


def _revoke_links(request):
    """Revoke the links, and the unsent emails that would mint a new one when they go out."""
    Email.objects.filter(
        request=request,
        kind__in=KINDS_WITH_INTAKE_LINK,
        status__in=[Email.Status.PENDING, Email.Status.RETRYING],
    ).update(status=Email.Status.FAILED, last_error=f"{SUPERSEDED} the intake links were revoked.")
    return links.intake_links_revoke(request=request)


def email_resend(*, email: Email, actor) -> bool:
    """Send an email again on purpose (for example after a bounce was fixed).

    Not while a worker is sending it (that could send it twice), and not an email that a later
    change made untrue (a superseded appointment email, a link that was revoked).
    """
    with transaction.atomic():
        email = Email.objects.select_for_update().get(pk=email.pk)
        if email.status == Email.Status.SENDING or email.last_error.startswith(SUPERSEDED):
            return False
        email.status = Email.Status.PENDING
        email.attempts = 0
        email.last_error = ""
        email.next_attempt_at = None
        email.claimed_by = ""
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "claimed_by"])
        RequestEvent.objects.create(
            request=email.request,
            actor=actor,
            kind=RequestEvent.Kind.EMAIL,
            text=f"Resend requested: {email.get_kind_display()}.",
        )
        transaction.on_commit(lambda: email_enqueue(email.pk))
    return True
