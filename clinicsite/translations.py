"""Words the clinic types in the admin, in the page's language when the clinic wrote them in it.

Each such field has an optional Spanish twin (``bio`` and ``bio_es``; for a location, the row of
``LocationSpanish``). When the twin is empty, the English is shown inside ``lang="en"`` so that
screen readers pronounce it as English, and the page says once that part of it is in English.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

SOURCE_LANGUAGE = "en"
# The languages a clinic can write its own words in, besides English: the suffix of the twin field.
TWIN_SUFFIX = {"es": "_es"}


@dataclass(frozen=True)
class Shown:
    """A text as the page shows it, and the language it is in."""

    text: str
    lang: str
    page_lang: str

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    @property
    def in_other_language(self) -> bool:
        return bool(self.text) and self.lang != self.page_lang

    @property
    def lang_attr(self) -> SafeString:
        """` lang="en"` on the element holding the text when it is not in the page's language."""
        return format_html(' lang="{}"', self.lang) if self.in_other_language else SafeString("")


def _read(source, name: str) -> str:
    if source is None:
        return ""
    if isinstance(source, Mapping):
        return source.get(name) or ""
    return getattr(source, name, "") or ""


def _twin(obj, field: str, suffix: str) -> str:
    if isinstance(obj, Mapping) or hasattr(obj, field + suffix):
        return _read(obj, field + suffix)
    # A model of another app (a location) keeps its Spanish in a row of its own, ``obj.spanish``.
    try:
        row = obj.spanish
    except AttributeError:  # no such row yet (RelatedObjectDoesNotExist is an AttributeError)
        return ""
    return _read(row, field)


def shown(obj, field: str, language: str | None = None) -> Shown:
    language = (language or translation.get_language() or SOURCE_LANGUAGE).split("-")[0]
    english = _read(obj, field)
    suffix = TWIN_SUFFIX.get(language)
    if suffix:
        translated = _twin(obj, field, suffix).strip()
        if translated:
            return Shown(translated, language, language)
    return Shown(english, SOURCE_LANGUAGE, language)


def any_in_other_language(objects, fields, language: str | None = None) -> bool:
    """Whether any of these texts falls back to English on the page: the page then says so."""
    return any(shown(obj, field, language).in_other_language for obj in objects for field in fields)
