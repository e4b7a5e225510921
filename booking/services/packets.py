"""Staff entries for prior-authorization packets, and the record of each packet produced.

Corrections never change what the patient wrote: they are kept beside the trial, shown as
staff-entered, and each one is on the request's timeline.
"""

from django.db import transaction
from django.utils import timezone

from booking.models import ConsultationRequest, MedicationTrial, PacketDetails, RequestEvent, TrialCorrection
from core.audit import audit_record
from core.models import AuditEvent

DETAIL_FIELDS = (
    "member_id",
    "group_number",
    "diagnosis_code",
    "referring_clinician",
    "treating_clinician",
    "treating_credentials",
    "treating_npi",
)
CORRECTION_FIELDS = (
    "max_daily_dose",
    "weeks_at_dose",
    "started_on",
    "ended_on",
    "current_episode",
    "stopped_for_side_effects",
    "source",
)


def packet_details_save(*, request: ConsultationRequest, actor, **fields) -> PacketDetails:
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown packet field(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        details, _ = PacketDetails.objects.select_for_update().get_or_create(request=request)
        changed = [name for name, value in fields.items() if getattr(details, name) != value]
        if not changed:
            return details
        for name in changed:
            setattr(details, name, fields[name])
        details.updated_by = actor
        details.full_clean()
        details.save()
        RequestEvent.objects.create(
            request=request,
            actor=actor,
            kind=RequestEvent.Kind.PACKET,
            text="Prior-authorization details entered by staff: "
            + ", ".join(PacketDetails._meta.get_field(n).verbose_name for n in changed)
            + ".",
        )
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=request, summary="Packet details edited")
    return details


def trial_correction_save(*, trial: MedicationTrial, actor, **fields) -> TrialCorrection | None:
    """Record staff's correction to one trial (``source`` says where it was confirmed); with every
    field blank, the correction is removed and the patient's answer stands alone again."""
    unknown = set(fields) - set(CORRECTION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown correction field(s): {', '.join(sorted(unknown))}")
    values = {k: v for k, v in fields.items() if k != "source" and v not in (None, "")}
    request = trial.intake.request
    with transaction.atomic():
        existing = TrialCorrection.objects.select_for_update().filter(trial=trial).first()
        if not values:
            if existing is None:
                return None
            existing.delete()
            text = f"Staff correction to {trial.name_given} removed."
            correction = None
        else:
            if not (fields.get("source") or "").strip():
                raise ValueError("Say where the correction was confirmed (for example: pharmacy records).")
            correction = existing or TrialCorrection(trial=trial)
            for name in CORRECTION_FIELDS:
                setattr(correction, name, fields.get(name) if fields.get(name) != "" else None)
            correction.source = fields["source"].strip()
            correction.by = actor
            correction.at = timezone.now()
            correction.full_clean()
            correction.save()
            text = (
                f"Staff correction to {trial.name_given} for the packet "
                f"({', '.join(sorted(values))}), confirmed from {correction.source}."
            )
        RequestEvent.objects.create(request=request, actor=actor, kind=RequestEvent.Kind.PACKET, text=text)
        audit_record(
            actor=actor, action=AuditEvent.Action.CHANGE, obj=request, summary=f"Trial {trial.pk} correction saved"
        )
    return correction


def packet_produced(*, request: ConsultationRequest, actor, treatment: str, policy_id: str, as_pdf: bool) -> None:
    """Every look at a packet, on screen or as a PDF, is in the audit trail."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT if as_pdf else AuditEvent.Action.VIEW,
        obj=request,
        summary=f"Prior-authorization packet ({treatment}, {policy_id}) {'downloaded as PDF' if as_pdf else 'viewed'}",
    )
