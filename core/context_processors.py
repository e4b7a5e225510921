import re

from django.conf import settings
from django.urls import translate_url
from django.utils import translation

# Apps above core can put the clinic's details in the active language (clinicsite: the opening
# hours the clinic wrote in Spanish), so emails and texts read them in the patient's language.
_localisers = []


def clinic_details_localiser_register(localise):
    """``localise(details)`` returns the details it has in the active language (or none)."""
    if localise not in _localisers:
        _localisers.append(localise)
    return localise


def clinic_details():
    """The clinic's own details, for pages and emails, in the active language where known."""
    details = {
        "name": settings.CLINIC_NAME,
        "phone": settings.CLINIC_PHONE,
        "phone_href": "tel:" + re.sub(r"[^\d+]", "", settings.CLINIC_PHONE),
        "email": settings.CLINIC_EMAIL,
        "address": settings.CLINIC_ADDRESS,
        "hours": settings.CLINIC_HOURS,
    }
    for localise in _localisers:
        details.update(localise(details))
    return details


def clinic(request):
    """Shown in the header, the footer and the crisis notice of every page."""
    return {"clinic": clinic_details(), "SITE_URL": settings.SITE_URL}


def languages(request):
    """The same page in every language the site speaks, for the switch link and the hreflang alternates.

    Only pages under the language prefixes have a counterpart; elsewhere (the admin, error pages on
    unknown addresses) the list stays empty and no switch is shown.
    """
    current = translation.get_language()
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    if len({link["url"] for link in links}) < len(links):
        return {"language_links": []}
    return {"language_links": links}
