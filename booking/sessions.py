"""What a patient's browser session holds: the request it just sent, and the intake link it may
use without the emailed token. Other apps (scheduling) read these; only booking's views write them."""

import time

from django.conf import settings

from booking.models import ConsultationRequest, IntakeLink

THANKS_SESSION_KEY = "consultation_thanks"
INTAKE_SESSION_KEY = "intake_link_id"
# A link opened in a browser that has not yet confirmed the patient's date of birth.
PENDING_SESSION_KEY = "intake_link_pending"
# When this browser last opened an intake page (seconds since the epoch).
INTAKE_SEEN_KEY = "intake_last_seen"


def thanks_request(request, queryset=None) -> ConsultationRequest | None:
    """The request this browser has just sent, if any; ``queryset`` (of requests) lets a caller
    choose the fields or add annotations it needs."""
    stored = request.session.get(THANKS_SESSION_KEY)
    if not stored or not stored.get("id"):
        return None
    requests = ConsultationRequest.objects.all() if queryset is None else queryset
    return requests.filter(pk=stored["id"]).first()


def thanks_remember(request, consultation: ConsultationRequest) -> None:
    request.session[THANKS_SESSION_KEY] = {"id": consultation.pk}


def intake_link_remember(request, link_id: int) -> None:
    request.session[INTAKE_SESSION_KEY] = link_id
    request.session[INTAKE_SEEN_KEY] = time.time()


def intake_session_touch(request) -> bool:
    """Note that the patient is still here. After INTAKE_SESSION_IDLE_SECONDS without a page (a
    shared or lost device) the whole session is ended instead and False returned."""
    seen = request.session.get(INTAKE_SEEN_KEY)
    now = time.time()
    if seen is not None and now - seen > settings.INTAKE_SESSION_IDLE_SECONDS:
        request.session.flush()
        return False
    request.session[INTAKE_SEEN_KEY] = now
    return True


def session_end(request) -> None:
    """Forget everything this browser held: the request, the intake link, the staff sign-in if any."""
    request.session.flush()


def session_intake_link(request) -> IntakeLink | None:
    """The usable intake link this browser holds, if any."""
    link_id = request.session.get(INTAKE_SESSION_KEY)
    link = IntakeLink.objects.select_related("request").filter(pk=link_id).first() if link_id else None
    return link if link is not None and link.is_usable else None


def intake_open_in_this_browser(request, consultation: ConsultationRequest) -> bool:
    """Whether this browser can open the request's intake without the emailed link."""
    link_id = request.session.get(INTAKE_SESSION_KEY)
    return bool(link_id) and consultation.intake_links.usable().filter(pk=link_id).exists()


def intake_link_opens_here(request, link: IntakeLink) -> bool:
    """Whether this browser may open the link without a date of birth: it sent the request (its
    session holds that request's own link), or it has already confirmed for this request."""
    held = session_intake_link(request)
    return held is not None and held.request_id == link.request_id


def intake_link_pending_remember(request, link_id: int | None) -> None:
    request.session[PENDING_SESSION_KEY] = link_id


def intake_link_pending(request) -> IntakeLink | None:
    link_id = request.session.get(PENDING_SESSION_KEY)
    return IntakeLink.objects.select_related("request").filter(pk=link_id).first() if link_id else None


def intake_link_confirmed(request, link: IntakeLink) -> None:
    request.session.cycle_key()
    request.session.pop(PENDING_SESSION_KEY, None)
    intake_link_remember(request, link.pk)
