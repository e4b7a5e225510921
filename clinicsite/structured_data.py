"""schema.org descriptions of the clinic's pages, for the ``<script type="application/ld+json">``
blocks search engines read (https://schema.org/MedicalClinic, /Physician, /FAQPage)."""

import re

from django.conf import settings
from django.utils.translation import gettext

from clinicsite import translations

# Physicians by degree (doctors of medicine or of osteopathic medicine); other clinicians are Persons.
_PHYSICIAN = re.compile(r"\b(MD|DO|M\.D\.|D\.O\.)(?![\w.])")


def _absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) or not path else settings.SITE_URL + path


def _address(location) -> dict:
    return {"@type": "PostalAddress", "streetAddress": location.address}


def clinic_data(*, brand: dict, clinic: dict, locations=(), url: str = "") -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": brand["name"],
        "url": settings.SITE_URL + "/",
        "telephone": clinic["phone"],
        "email": clinic["email"],
        "medicalSpecialty": "Psychiatric",
        "availableService": [
            {"@type": "MedicalTherapy", "name": gettext("Transcranial magnetic stimulation (TMS)")},
            {"@type": "MedicalTherapy", "name": gettext("SPRAVATO (esketamine) nasal spray")},
        ],
    }
    if url:
        data["mainEntityOfPage"] = _absolute(url)
    if brand.get("logo_url"):
        data["logo"] = _absolute(brand["logo_url"])
    if brand.get("social_image_url"):
        data["image"] = _absolute(brand["social_image_url"])
    places = list(locations)
    if places:
        data["address"] = _address(places[0])
        data["department"] = [
            {
                "@type": "MedicalClinic",
                "name": translations.shown(place, "name").text,
                "address": _address(place),
                **({"telephone": place.phone.as_international} if place.phone else {}),
                **({"hasMap": place.directions_url} if place.directions_url else {}),
            }
            for place in places
        ]
    else:
        data["address"] = {"@type": "PostalAddress", "streetAddress": clinic["address"]}
    return data


def team_data(*, brand: dict, clinic: dict, clinicians) -> dict:
    data = clinic_data(brand=brand, clinic=clinic)
    members = [
        {
            "@type": "Physician" if _PHYSICIAN.search(person.credentials) else "Person",
            "name": person.name,
            **({"jobTitle": translations.shown(person, "role").text} if person.role else {}),
            **({"honorificSuffix": translations.shown(person, "credentials").text} if person.credentials else {}),
            "description": translations.shown(person, "bio").text,
            **({"image": _absolute(person.photo.url)} if person.photo else {}),
            "worksFor": {"@type": "MedicalClinic", "name": brand["name"]},
        }
        for person in clinicians
    ]
    if members:
        data["employee"] = members
    return data


def faq_data(*, questions) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                # The words the page shows, so the data matches what a reader sees in this language.
                "name": translations.shown(item, "question").text,
                "acceptedAnswer": {"@type": "Answer", "text": translations.shown(item, "answer").text},
            }
            for item in questions
        ],
    }
