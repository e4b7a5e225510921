"""Readability of Spanish text, as plain Python (no Django), for checks on what patients read.

Two formulas adapted from Flesch's reading ease to Spanish, where words have more syllables:

- Fernández Huerta (1959), "Medidas sencillas de lecturabilidad", Consigna 214:
  ``206.84 - 0.60 P - 1.02 F``, P = syllables per 100 words, F = words per sentence. F is the
  mean sentence length, as in the Flesch formula it adapts; the reading "sentences per 100
  words", sometimes quoted, would make longer sentences score as easier.
- Szigriszt Pazos (1993), "Sistemas predictivos de legibilidad del mensaje escrito: fórmula de
  perspicuidad" (doctoral thesis, Universidad Complutense de Madrid):
  ``206.835 - 62.3 (syllables / words) - (words / sentences)``.

The INFLESZ scale (Barrio-Cantalejo IM, Simón-Lorda P, Melguizo M, et al., 2008, "Validación de
la Escala INFLESZ para evaluar la legibilidad de los textos dirigidos a pacientes", Anales del
Sistema Sanitario de Navarra 31(2):135-152) reads the Szigriszt-Pazos score in five bands; 55 to
65 is "normal", the level of ordinary health information for the public.

Words are runs of letters; numbers ("988", "2019") are left out of both counts, since how they
are read aloud is not in the text. Sentences end at ".", "!" or "?" (the opening "¿" and "¡"
start none), like the sentence count of the English checks, so both languages are measured
the same way.
"""

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_STRONG = set("aeoáéóíú")  # an accented i or u is pronounced apart from its neighbour (pa-ís)
_WEAK = set("iuü")
_ACCENTED_WEAK = set("íú")
_VOWELS = _STRONG | _WEAK

# (lowest score, band) from the hardest band up, as Barrio-Cantalejo et al. (2008) name them.
INFLESZ_BANDS = [
    (80, "muy fácil"),
    (65, "bastante fácil"),
    (55, "normal"),
    (40, "algo difícil"),
    (float("-inf"), "muy difícil"),
]


def count_syllables(word: str) -> int:
    """Syllables of one Spanish word, by its vowel nuclei.

    Two vowels in a row share a syllable (a diphthong: "ciu-dad", "bue-no") unless both are
    strong (a, e, o: "te-a-tro") or one is an accented i or u ("dí-a", "o-í-do"). A "y" is a
    vowel at the end of a word or before a consonant ("muy", "hoy"), a consonant before a vowel
    ("ayer"). A word with no vowel (an abbreviation such as "mg") counts as one syllable.
    """
    word = word.lower()
    letters = []
    for index, letter in enumerate(word):
        if letter == "y":
            following = word[index + 1] if index + 1 < len(word) else ""
            letter = "i" if following not in _VOWELS else "y"
        letters.append(letter)
    syllables = 0
    previous = ""
    for letter in letters:
        if letter not in _VOWELS:
            previous = ""
            continue
        if not previous or _hiatus(previous, letter):
            syllables += 1
        previous = letter
    return max(1, syllables)


def _hiatus(first: str, second: str) -> bool:
    if first in _ACCENTED_WEAK or second in _ACCENTED_WEAK:
        return True
    return first in _STRONG and second in _STRONG


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.strip() + " ")))


@dataclass(frozen=True)
class TextCounts:
    words: int
    syllables: int
    sentences: int

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences


def text_counts(text: str) -> TextCounts:
    found = words(text)
    if not found:
        raise ValueError("There is no word to measure in this text.")
    return TextCounts(
        words=len(found),
        syllables=sum(count_syllables(word) for word in found),
        sentences=sentence_count(text),
    )


def fernandez_huerta(text: str) -> float:
    counts = text_counts(text)
    return 206.84 - 0.60 * (100 * counts.syllables_per_word) - 1.02 * counts.words_per_sentence


def szigriszt_pazos(text: str) -> float:
    counts = text_counts(text)
    return 206.835 - 62.3 * counts.syllables_per_word - counts.words_per_sentence


def inflesz_band(score: float) -> str:
    """The INFLESZ band of a Szigriszt-Pazos score."""
    for lowest, band in INFLESZ_BANDS:
        if score >= lowest:
            return band
    raise AssertionError("unreachable: the last band has no lower bound")
