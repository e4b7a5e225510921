import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from scheduling.models import ConsultationType, Location, time_zone_or_none

# Offered in the "also show times in" list; any valid zone name is accepted (the small script
# fills in the device's own).
COMMON_TIME_ZONES = [
    ("America/New_York", _("Eastern (New York)")),
    ("America/Chicago", _("Central (Chicago)")),
    ("America/Denver", _("Mountain (Denver)")),
    ("America/Phoenix", _("Arizona (Phoenix)")),
    ("America/Los_Angeles", _("Pacific (Los Angeles)")),
    ("America/Anchorage", _("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
    ("UTC", "UTC"),
]
ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


def parse_time_zone(value: str) -> zoneinfo.ZoneInfo | None:
    if not value or len(value) > 64 or not ZONE_NAME.match(value):
        return None
    return time_zone_or_none(value)


@dataclass(frozen=True)
class Choice:
    """What the picker shows: the type of consultation, where, which day, the patient's own zone.
    Read from GET (links and a small form) or POST, so every state of the picker has an address."""

    consultation_type: ConsultationType
    location: Location
    day: date | None
    patient_tz: zoneinfo.ZoneInfo | None

    @classmethod
    def from_data(cls, data, *, types, locations) -> "Choice":
        by_pk = {str(t.pk): t for t in types}
        locations_by_pk = {str(loc.pk): loc for loc in locations}
        try:
            day = date.fromisoformat(str(data.get("day", "")))
        except ValueError:
            day = None
        return cls(
            consultation_type=by_pk.get(str(data.get("type", ""))) or types[0],
            location=locations_by_pk.get(str(data.get("location", ""))) or locations[0],
            day=day,
            patient_tz=parse_time_zone(str(data.get("tz", ""))),
        )

    def query(self, **changes) -> str:
        """The query string for this choice with some parts changed, for links."""
        params = {
            "type": self.consultation_type.pk,
            "location": self.location.pk,
            "day": self.day.isoformat() if self.day else "",
            "tz": self.patient_tz.key if self.patient_tz else "",
        }
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value not in ("", None)})


def parse_start(value: str) -> datetime | None:
    """A slot's start as sent by the picker (ISO 8601 with its offset)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None
