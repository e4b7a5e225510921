"""The Spanish catalog, as a whole, reads about as easily as the English it translates.

English is measured with Flesch's reading ease (textstat, as for the English articles); Spanish
with Szigriszt-Pazos, Flesch's formula recalibrated for Spanish, whose INFLESZ bands are read in
``education.readability``. Both sides are the same entries, cleaned the same way.

The threshold: the Spanish may score at most 12 points under the English, and never under the
INFLESZ "normal" band (55). Spanish words carry more syllables than English ones; faithful, plain
translations measured here (the catalog and three articles) came out 1 to 10 points under the
English. Twelve points is about one INFLESZ band ("normal" spans 10, "bastante fácil" 15): a
translation a full band harder than the English fails, and the deliberately hard Spanish below
falls tens of points short.
"""

import re

import polib
import pytest
import textstat
from django.conf import settings

from education import readability

CATALOG = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
MAX_POINTS_BELOW_ENGLISH = 12
LOWEST_SPANISH_SCORE = 55  # INFLESZ "normal"


def _plain(text):
    """The words a reader sees: no markup, no placeholders; each entry ends as a sentence."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", " ", text)
    text = " ".join(text.split())
    if text and text[-1] not in ".!?:":
        text += "."
    return text


def catalog_texts(catalog):
    """(English, Spanish) of every entry, joined; plurals by their plural forms."""
    english, spanish = [], []
    for entry in catalog:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            english.append(_plain(entry.msgid_plural))
            spanish.append(_plain(entry.msgstr_plural[max(entry.msgstr_plural)]))
        else:
            english.append(_plain(entry.msgid))
            spanish.append(_plain(entry.msgstr))
    return " ".join(filter(None, english)), " ".join(filter(None, spanish))


def readability_gap(catalog):
    """(English Flesch, Spanish Szigriszt-Pazos, whether the Spanish is within the threshold)."""
    english, spanish = catalog_texts(catalog)
    english_score = textstat.flesch_reading_ease(english)
    spanish_score = readability.szigriszt_pazos(spanish)
    acceptable = spanish_score >= max(english_score - MAX_POINTS_BELOW_ENGLISH, LOWEST_SPANISH_SCORE)
    return english_score, spanish_score, acceptable


@pytest.fixture(scope="module")
def catalog():
    return polib.pofile(str(CATALOG))


def test_the_spanish_catalog_reads_about_as_easily_as_the_english(catalog):
    english, spanish, acceptable = readability_gap(catalog)
    assert acceptable, (
        f"The Spanish scores {spanish:.1f} (Szigriszt-Pazos, {readability.inflesz_band(spanish)}) against "
        f"{english:.1f} for the English (Flesch). Use shorter sentences and everyday words."
    )


HARD_SPANISH = (
    "La cumplimentación del procedimiento administrativo correspondiente constituye un requisito "
    "imprescindible para la tramitación, consideración y eventual autorización de la solicitud presentada."
)


def test_the_check_fails_on_deliberately_hard_spanish(catalog):
    hard = polib.POFile()
    for entry in catalog:
        if entry.obsolete:
            continue
        copy = polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural, msgstr=HARD_SPANISH)
        if entry.msgid_plural:
            copy.msgstr_plural = dict.fromkeys(entry.msgstr_plural, HARD_SPANISH)
        hard.append(copy)
    english, spanish, acceptable = readability_gap(hard)
    assert not acceptable
    assert spanish < english - 30
