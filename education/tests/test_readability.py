"""Spanish readability: the syllable counter, the two formulas, and the shipped Spanish articles."""

from pathlib import Path

import pytest
import textstat

from education import readability
from education.loader import CONTENT_DIR, parse_article
from education.markup import markdown_to_text

SPANISH_FILES = sorted((CONTENT_DIR / "es").glob("*.md"))


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("casa", 2),
        ("ciudad", 2),  # ciu-dad: a diphthong
        ("bueno", 2),
        ("teatro", 3),  # te-a-tro: two strong vowels part
        ("aéreo", 4),
        ("país", 2),  # pa-ís: an accented i stands alone
        ("día", 2),
        ("oído", 3),
        ("poesía", 4),
        ("murciélago", 4),
        ("buey", 1),  # a triphthong
        ("muy", 1),
        ("hoy", 1),
        ("ayer", 2),  # y before a vowel is a consonant
        ("y", 1),
        ("guerra", 2),
        ("pingüino", 3),
        ("ahora", 3),  # the h does not join the vowels
        ("estimulación", 5),
        ("antidepresivo", 6),
        ("Esketamina", 5),
        ("mg", 1),
    ],
)
def test_spanish_syllables_are_counted_as_they_are_spoken(word, syllables):
    assert readability.count_syllables(word) == syllables


def test_the_formulas_on_a_sentence_counted_by_hand():
    # "El gato come." 3 words, 5 syllables (el, ga-to, co-me), 1 sentence.
    text = "El gato come."
    assert readability.text_counts(text) == readability.TextCounts(words=3, syllables=5, sentences=1)
    assert readability.szigriszt_pazos(text) == pytest.approx(206.835 - 62.3 * 5 / 3 - 3)
    assert readability.fernandez_huerta(text) == pytest.approx(206.84 - 0.60 * 500 / 3 - 1.02 * 3)


def test_longer_sentences_and_longer_words_read_harder():
    short = "Usted se sienta en una silla. Oye unos ruidos. Puede descansar."
    long_sentence = "Usted se sienta en una silla, oye unos ruidos y puede descansar mientras tanto."
    long_words = "Usted permanece sentado cómodamente. Escucha chasquidos repetidos. Puede relajarse tranquilamente."
    for formula in (readability.szigriszt_pazos, readability.fernandez_huerta):
        assert formula(short) > formula(long_sentence)
        assert formula(short) > formula(long_words)


def test_numbers_are_not_words_and_questions_are_sentences():
    counts = readability.text_counts("¿Llamó al 988? Sí, en 2024.")
    assert counts.words == 4 and counts.sentences == 2


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (90, "muy fácil"),
        (80, "muy fácil"),
        (70, "bastante fácil"),
        (60, "normal"),
        (55, "normal"),
        (50, "algo difícil"),
        (20, "muy difícil"),
    ],
)
def test_the_inflesz_bands(score, band):
    assert readability.inflesz_band(score) == band


def test_dense_clinical_spanish_is_very_hard():
    text = (
        "La administración intranasal de esketamina requiere monitorización hemodinámica y respiratoria "
        "prolongada, considerando la probabilidad de sedación, disociación y depresión respiratoria "
        "clínicamente significativas en determinados pacientes susceptibles."
    )
    assert readability.inflesz_band(readability.szigriszt_pazos(text)) == "muy difícil"


def test_there_is_no_word_in_an_empty_text():
    with pytest.raises(ValueError):
        readability.text_counts("988 — 911")


# --- The shipped Spanish articles -----------------------------------------------------------

# Flesch's "fairly easy" (70 and up) corresponds to INFLESZ "bastante fácil" (65 and up); below that,
# "standard" English corresponds to "normal". A Spanish version must reach the band of its English
# original, and never below "normal". The points gap is capped too: Spanish words have more
# syllables, and faithful translations of these articles measured 1 to 10 points under the English.
MAX_POINTS_BELOW_ENGLISH = 12


def _required_band(english_flesch):
    return "bastante fácil" if english_flesch >= 70 else "normal"


BAND_ORDER = [band for _, band in reversed(readability.INFLESZ_BANDS)]


def test_at_least_three_articles_ship_in_spanish():
    assert len(SPANISH_FILES) >= 3


@pytest.mark.parametrize("path", SPANISH_FILES, ids=lambda path: path.stem)
def test_each_spanish_article_reads_as_easily_as_its_english_original(path: Path):
    _, english_body = parse_article(CONTENT_DIR / path.name)
    _, spanish_body = parse_article(path)
    english = textstat.flesch_reading_ease(markdown_to_text(english_body))
    spanish = readability.szigriszt_pazos(markdown_to_text(spanish_body))
    band = readability.inflesz_band(spanish)
    required = _required_band(english)
    assert BAND_ORDER.index(band) >= BAND_ORDER.index(required), (
        f"{path.name}: Szigriszt-Pazos {spanish:.1f} ({band}); the English reads {english:.1f}, so at least "
        f"“{required}” is needed. Use shorter sentences and words."
    )
    assert spanish >= english - MAX_POINTS_BELOW_ENGLISH, f"{path.name}: {spanish:.1f} against {english:.1f}"
