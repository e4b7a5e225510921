"""Staff actions on a request. Each one is recorded on the request's timeline."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking import links
from booking.emails import email_enqueue, email_queue
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
        revoked = links.intake_links_revoke(request=request)
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
        revoked = links.intake_links_revoke(request=request)
        RequestEvent.objects.create(
            request=request, actor=actor, kind=RequestEvent.Kind.LINK, text=f"{revoked} link(s) revoked."
        )
    return revoked


def email_resend(*, email: Email, actor) -> None:
    """Send an email again on purpose (for example after a bounce was fixed)."""
    with transaction.atomic():
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.PENDING, attempts=0, last_error="", next_attempt_at=None, claimed_by=""
        )
        RequestEvent.objects.create(
            request=email.request,
            actor=actor,
            kind=RequestEvent.Kind.EMAIL,
            text=f"Resend requested: {email.get_kind_display()}.",
        )
        transaction.on_commit(lambda: email_enqueue(email.pk))
