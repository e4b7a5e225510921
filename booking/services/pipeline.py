"""Staff actions on a request. Each one records its timeline event and, when a person acted,
its audit entry, inside its own transaction: no caller can forget either."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from booking.models import ConsultationRequest, Email, RequestEvent
from booking.services import links
from booking.services.emails import email_queue, emails_supersede, kinds_with_intake_link
from core.audit import audit_record
from core.models import AuditEvent

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
        _audit_change(actor, locked, f"Status: {status}")
    request.refresh_from_db()
    return True


def _audit_change(actor, request, summary):
    if actor is not None:
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=request, summary=summary)


def consultation_request_assign(*, request: ConsultationRequest, user, actor) -> None:
    with transaction.atomic():
        ConsultationRequest.objects.filter(pk=request.pk).update(assigned_to=user, updated_at=timezone.now())
        RequestEvent.objects.create(
            request=request,
            actor=actor,
            kind=RequestEvent.Kind.ASSIGNED,
            text=f"Assigned to {user.get_full_name() or user.get_username()}" if user else "Unassigned",
        )
        _audit_change(actor, request, "Assigned to self" if user == actor else "Assigned")
    request.refresh_from_db()


def request_note_add(*, request: ConsultationRequest, actor, text: str) -> RequestEvent:
    text = text.strip()
    if not text:
        raise ValueError("A note cannot be empty.")
    with transaction.atomic():
        event = RequestEvent.objects.create(request=request, actor=actor, kind=RequestEvent.Kind.NOTE, text=text)
        _audit_change(actor, request, "Note added")
    return event


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
        _audit_change(actor, request, "Earlier links revoked; a new link is on its way to the patient.")
    return email


def intake_links_revoke(*, request: ConsultationRequest, actor) -> int:
    with transaction.atomic():
        revoked = _revoke_links(request)
        RequestEvent.objects.create(
            request=request, actor=actor, kind=RequestEvent.Kind.LINK, text=f"{revoked} link(s) revoked."
        )
        _audit_change(actor, request, "The patient's intake links no longer work.")
    return revoked


def _revoke_links(request):
    """Revoke the links, and the unsent emails that would mint a new one when they go out."""
    emails_supersede(
        emails=Email.objects.filter(request=request, kind__in=kinds_with_intake_link()),
        reason="the intake links were revoked.",
    )
    return links.intake_links_expire(request=request)
