"""The waitlist: patients for whom no open time suited wait for one, and a time that opens (a
cancellation, a move, new hours) is offered to the first few who fit, in the order they joined.

Offering is serialised per location (a row lock), so two triggers at once never offer one time
twice. Claiming locks every offer of that time, so of two patients pressing the button at the
same instant exactly one books it (through ``services.appointment_book``, where the database's
exclusion constraint has the last word); the other is told kindly and stays on the list.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from booking.models import ConsultationRequest, Email
from booking.services import email_queue, emails_supersede
from scheduling import services, slots, waitlist_rules
from scheduling.models import Appointment, ConsultationType, Location, WaitlistEntry, WaitlistMessage, WaitlistOffer

logger = logging.getLogger(__name__)


@dataclass
class OfferUnavailable(Exception):
    """The offer cannot be claimed: ``expired``, ``taken`` (someone else booked it) or ``closed``
    (the patient booked or left meanwhile, or staff withdrew it)."""

    reason: str


@transaction.atomic
def waitlist_join(
    *,
    request: ConsultationRequest,
    consultation_type: ConsultationType,
    location: Location,
    weekdays: list[int],
    day_parts: list[str],
) -> WaitlistEntry:
    """Put a patient on the waitlist (or change the days and times of their place, keeping it)."""
    entry = (
        WaitlistEntry.objects.waiting()
        .select_for_update()
        .filter(request=request, consultation_type=consultation_type, location=location)
        .first()
    )
    if entry is None:
        entry = WaitlistEntry(request=request, consultation_type=consultation_type, location=location)
    entry.weekdays = sorted({int(d) for d in weekdays if 0 <= int(d) <= 6})
    entry.day_parts = [p for p in waitlist_rules.DAY_PARTS if p in day_parts]
    entry.offer_before = None
    entry.offer_before = _first_wanted(entry)
    entry.full_clean(validate_constraints=False)
    entry.save()
    transaction.on_commit(services.waitlist_offers_enqueue)
    logger.info("Request %s is on the waitlist (entry %s).", request.pk, entry.pk)
    return entry


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry) -> None:
    WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.LEFT
    )
    WaitlistOffer.objects.filter(entry_id=entry.pk, status=WaitlistOffer.Status.OPEN).update(
        status=WaitlistOffer.Status.WITHDRAWN
    )


def waitlist_offers_make(*, now: datetime | None = None) -> int:
    """Offer every open time to the waiting patients it suits. Run after a cancellation or a move,
    when someone joins, and every few minutes by Celery beat (new hours, a missed trigger)."""
    now = now or timezone.now()
    groups = WaitlistEntry.objects.waiting().values_list("consultation_type_id", "location_id").distinct()
    made = 0
    for type_id, location_id in sorted(set(groups)):
        consultation_type = ConsultationType.objects.get(pk=type_id)
        location = Location.objects.get(pk=location_id)
        waiting = WaitlistEntry.objects.waiting().filter(consultation_type=consultation_type, location=location)
        open_by_day = slots.open_slots(consultation_type=consultation_type, location=location, now=now)
        for slot in [slot for day in sorted(open_by_day) for slot in open_by_day[day]]:
            free = list(waiting.exclude(offers__in=WaitlistOffer.objects.live(now)))
            if not free:
                break
            local = timezone.localtime(slot.start, location.tz)
            if not any(e.wants(slot.start, local) for e in free):
                continue
            made += len(
                waitlist_offer_time(consultation_type=consultation_type, location=location, start=slot.start, now=now)
            )
    return made


@transaction.atomic
def waitlist_offer_time(
    *,
    consultation_type: ConsultationType,
    location: Location,
    start: datetime,
    entries: list[WaitlistEntry] | None = None,
    by=None,
    now: datetime | None = None,
) -> list[WaitlistOffer]:
    """Offer one open time to the first ``WAITLIST_OFFER_TO`` waiting patients it suits who hold
    no other live offer; or, from the admin, to the ``entries`` staff chose (``by``).

    Nothing is offered inside the minimum notice, or while the time is offered to others already.
    """
    now = now or timezone.now()
    Location.objects.select_for_update().get(pk=location.pk)
    if slots.slot_at(consultation_type=consultation_type, location=location, start=start, now=now) is None:
        return []
    expires_at = min(
        now + timedelta(hours=settings.WAITLIST_OFFER_HOURS),
        start - timedelta(hours=settings.SCHEDULING_MIN_NOTICE_HOURS),
    )
    if expires_at <= now:
        return []
    same_time = WaitlistOffer.objects.filter(
        entry__consultation_type=consultation_type, entry__location=location, start=start
    )
    if by is None and same_time.live(now).exists():
        return []
    waiting = WaitlistEntry.objects.waiting().filter(consultation_type=consultation_type, location=location)
    if entries is not None:
        waiting = waiting.filter(pk__in=[entry.pk for entry in entries])
    busy = set(WaitlistOffer.objects.live(now).values_list("entry_id", flat=True))
    offered_before = set(same_time.values_list("entry_id", flat=True))
    local = timezone.localtime(start, location.tz)
    chosen = [
        entry
        for entry in waiting.select_related("request").order_by("created_at", "pk")
        if entry.pk not in busy and entry.pk not in offered_before and (by is not None or entry.wants(start, local))
    ]
    if by is None:
        chosen = chosen[: settings.WAITLIST_OFFER_TO]
    offers = []
    for entry in chosen:
        offer = WaitlistOffer.objects.create(entry=entry, start=start, expires_at=expires_at, offered_by=by)
        context = {
            "offer_id": offer.pk,
            "start": start.isoformat(),
            # An offer that reaches someone after it expired would only disappoint.
            "not_after": expires_at.isoformat(),
            "tz": location.time_zone,
        }
        for kind in (WaitlistMessage.OFFER, WaitlistMessage.OFFER_TEXT):
            _queue(entry.request, kind, context, dedupe=f"{kind}:{offer.pk}")
        offers.append(offer)
    if offers:
        logger.info("Time %s offered to %s waiting patient(s).", start.isoformat(), len(offers))
    return offers


@transaction.atomic
def waitlist_offer_claim(*, offer: WaitlistOffer, now: datetime | None = None) -> Appointment:
    """Book the offered time for the patient it was offered to, if it is still theirs to take."""
    now = now or timezone.now()
    offer = WaitlistOffer.objects.select_related("entry").get(pk=offer.pk)
    entry = offer.entry
    # Every offer of this time, locked in one order: two claims at once wait for each other here.
    siblings = list(
        WaitlistOffer.objects.select_for_update()
        .filter(entry__consultation_type_id=entry.consultation_type_id, entry__location_id=entry.location_id)
        .filter(start=offer.start)
        .order_by("pk")
    )
    offer = next(sibling for sibling in siblings if sibling.pk == offer.pk)
    if offer.status == WaitlistOffer.Status.TAKEN or any(s.status == WaitlistOffer.Status.CLAIMED for s in siblings):
        raise OfferUnavailable("taken")
    if offer.status != WaitlistOffer.Status.OPEN:
        raise OfferUnavailable("closed")
    if offer.expires_at <= now:
        raise OfferUnavailable("expired")
    try:
        appointment = services.appointment_book(
            request=entry.request,
            consultation_type=entry.consultation_type,
            location=entry.location,
            start=offer.start,
            now=now,
        )
    except services.SlotUnavailable:
        WaitlistOffer.objects.filter(pk=offer.pk).update(status=WaitlistOffer.Status.TAKEN)
        raise OfferUnavailable("taken") from None
    if appointment.start != offer.start:
        # The patient had booked another time meanwhile (in another tab): that one stands.
        raise OfferUnavailable("closed")
    WaitlistOffer.objects.filter(pk=offer.pk).update(status=WaitlistOffer.Status.CLAIMED, appointment=appointment)
    others = [s for s in siblings if s.pk != offer.pk and s.status == WaitlistOffer.Status.OPEN]
    if others:
        WaitlistOffer.objects.filter(pk__in=[s.pk for s in others]).update(status=WaitlistOffer.Status.TAKEN)
        emails_supersede(
            emails=Email.objects.filter(
                kind__in=[WaitlistMessage.OFFER, WaitlistMessage.OFFER_TEXT],
                context__offer_id__in=[s.pk for s in others],
            ),
            reason="someone else booked the offered time.",
        )
        for other in WaitlistOffer.objects.filter(pk__in=[s.pk for s in others]).select_related("entry__request"):
            _queue(
                other.entry.request,
                WaitlistMessage.TAKEN,
                {"offer_id": other.pk, "start": other.start.isoformat()},
                dedupe=f"{WaitlistMessage.TAKEN}:{other.pk}",
            )
    logger.info("Waitlist offer %s claimed: appointment %s.", offer.pk, appointment.pk)
    return appointment


def _first_wanted(entry):
    """The first open time that suits a new entry, if any (they did not take it: they want earlier)."""
    location = entry.location
    open_by_day = slots.open_slots(consultation_type=entry.consultation_type, location=location)
    for day in sorted(open_by_day):
        for slot in open_by_day[day]:
            if entry.wants(slot.start, timezone.localtime(slot.start, location.tz)):
                return slot.start
    return None


def _queue(request, kind, context, *, dedupe):
    last = Email.objects.filter(request=request, kind=kind).order_by("-sequence").first()
    return email_queue(
        request=request,
        kind=kind,
        sequence=(last.sequence + 1) if last else 1,
        context=context,
        dedupe_key=dedupe,
    )
