"""The booking page kept rendered, with holes for what differs between patients.

The picker's page is the same for every patient who asks for the same address, except for two
things: the request's reference and the CSRF token of the form. It is
rendered once with a marker in each of those places, kept in the schedule cache (so any booking,
move, cancellation or change of hours forgets it with the open times it shows, and it lasts at most
``OPEN_DAYS_CACHE_SECONDS``), and each patient gets a copy with their own values put in the holes.

Nothing the page shows may depend on anything else about the visitor: base.html and its includes
use only the address, the language and the clinic's settings and brand. A page that shows a
message, a signed-in user's name or anything read from the session must not be kept here.
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from scheduling.picker import COMMON_TIME_ZONES, Choice
from scheduling.slots import schedule_cache

# HTML comments: the template engine escapes every "<" that comes from data, so a raw marker can
# only be one of these, never something a visitor or staff member typed.
HOLES = {
    "reference": mark_safe("<!--picker-hole:reference-->"),
    "csrf_token": mark_safe("<!--picker-hole:csrf-->"),
}
QUERY_NAMES = {"type", "location", "day", "tz"}
KNOWN_ZONES = {key for key, _ in COMMON_TIME_ZONES}


def _name(request) -> str:
    # The address as asked for (the language links on the page repeat it), on this host.
    return f"page:{get_language()}:{request.scheme}://{request.get_host()}{request.get_full_path()}"


def picker_page(request, *, reference: str, render) -> HttpResponse:
    """The page for this address, from the cache or from ``render()``, filled in for this patient.

    ``render()`` returns the page rendered with ``HOLES`` in place of the patient's values and sets
    ``keepable`` on it when it may be kept (see ``keepable``). It runs inside the cache lookup, after
    the schedule's version is read: a booking made meanwhile makes the page unreachable rather
    than kept under the new version with a time already taken."""
    rendered = None

    def build():
        nonlocal rendered
        rendered = render()
        return rendered.content.decode() if getattr(rendered, "keepable", False) else None

    html = schedule_cache.get_or_build(_name(request), build)
    if rendered is not None:
        rendered.content = _filled(request, rendered.content.decode(), reference=reference)
        return rendered
    return HttpResponse(_filled(request, html, reference=reference))


def keepable(request, choice: Choice, day) -> bool:
    """Whether the page for this address may be kept: it is one the page itself links to (the
    default, a day, a type or location, a listed time zone), so made-up addresses never fill the
    cache, and one page per address is all there is."""
    query = request.GET
    if not set(query) <= QUERY_NAMES or any(len(query.getlist(name)) > 1 for name in query):
        return False
    expected = {
        "type": str(choice.consultation_type.pk),
        "location": str(choice.location.pk),
        "day": day.isoformat() if day else "",
    }
    if any(query[name] != value for name, value in expected.items() if name in query):
        return False
    return query.get("tz", "") in KNOWN_ZONES | {""}


def _filled(request, html: str, *, reference: str) -> str:
    html = html.replace(HOLES["reference"], escape(reference))
    if HOLES["csrf_token"] in html:
        # As {% csrf_token %} does: a token masked afresh for each page, the cookie set if needed.
        html = html.replace(HOLES["csrf_token"], get_token(request))
    return html
