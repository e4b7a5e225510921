"""Staff edits of what the screening rules read: the medication catalog, the payer policies and
which carrier uses which policy. Each edit is audited and recomputes every stored summary in a
worker after it commits, never inside the admin request."""

import json

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from booking.models import CarrierPolicy, Medication, PayerPolicy
from booking.policies import DEFAULT_POLICIES_PATH, policies_from_list
from booking.services.screening import screenings_recompute_later
from core.audit import audit_record
from core.models import AuditEvent

# Carriers whose own policy ships in booking/data/policies.json. A Medicare request is not mapped:
# which LCD applies depends on the contractor of the patient's state, so staff choose it.
SHIPPED_CARRIERS = {"Aetna": {"tms": "aetna_cpb_0469", "spravato": None}}


def _audit(actor, obj, summary):
    if actor is not None:
        audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=obj, summary=summary)


def medication_save(*, medication: Medication, actor: AbstractBaseUser | None) -> Medication:
    with transaction.atomic():
        medication.full_clean()
        medication.save()
        _audit(actor, medication, f"Catalog entry saved: {medication.generic}")
        screenings_recompute_later()
    return medication


def medications_delete(*, medications: QuerySet[Medication], actor: AbstractBaseUser | None) -> int:
    with transaction.atomic():
        names = sorted(medications.values_list("generic", flat=True))
        count, _ = medications.delete()
        if actor is not None and names:
            audit_record(
                actor=actor, action=AuditEvent.Action.CHANGE, summary=f"Catalog entries deleted: {', '.join(names)}"
            )
        screenings_recompute_later()
    return count


def payer_policy_save(*, policy: PayerPolicy, actor: AbstractBaseUser | None) -> PayerPolicy:
    """Save a policy after checking it (PayerPolicy.clean builds it with policy_from_dict); an edit
    raises the revision, which each summary names."""
    with transaction.atomic():
        policy.full_clean()
        if policy.pk is not None:
            current = PayerPolicy.objects.select_for_update().get(pk=policy.pk)
            if current.data == policy.data:
                return policy
            policy.revision = current.revision + 1
        policy.updated_by = actor
        policy.save()
        _audit(actor, policy, f"Policy {policy.key} saved (revision {policy.revision})")
        screenings_recompute_later()
    return policy


def carrier_policy_save(*, mapping: CarrierPolicy, actor: AbstractBaseUser | None) -> CarrierPolicy:
    with transaction.atomic():
        mapping.full_clean()
        mapping.save()
        _audit(actor, mapping, f"Carrier policies saved: {mapping.carrier}")
        screenings_recompute_later()
    return mapping


def carrier_policies_delete(*, mappings: QuerySet[CarrierPolicy], actor: AbstractBaseUser | None) -> int:
    with transaction.atomic():
        count, _ = mappings.delete()
        if actor is not None and count:
            audit_record(actor=actor, action=AuditEvent.Action.CHANGE, summary=f"{count} carrier mapping(s) deleted")
        screenings_recompute_later()
    return count


def payer_policies_load() -> tuple[int, int]:
    """Add the shipped policies and carrier mappings that are missing; never overwrite staff edits.

    Returns (policies added, carriers added)."""
    with open(DEFAULT_POLICIES_PATH, encoding="utf-8") as fh:
        shipped = policies_from_list(json.load(fh)["policies"])
    added = carriers = 0
    with transaction.atomic():
        existing = set(PayerPolicy.objects.values_list("key", flat=True))
        for key, policy in shipped.items():
            if key not in existing:
                PayerPolicy.objects.create(
                    key=key, treatment=policy.treatment, title=policy.source.title, data=policy.to_dict()
                )
                added += 1
        rows = {p.key: p for p in PayerPolicy.objects.all()}
        for carrier, keys in SHIPPED_CARRIERS.items():
            if CarrierPolicy.objects.filter(carrier__iexact=carrier).exists():
                continue
            CarrierPolicy.objects.create(
                carrier=carrier,
                tms_policy=rows.get(keys["tms"]) if keys["tms"] else None,
                spravato_policy=rows.get(keys["spravato"]) if keys["spravato"] else None,
            )
            carriers += 1
    return added, carriers
