"""Crisis rules: the ASQ follow-up screen, the staff alert level, and crisis phrases in free text.

Pure Python, no Django. Everything here is an aid for staff, not a diagnosis or a risk prediction;
a clinician decides what happens next. Nothing computed here is ever shown to the patient as a
finding about them: the patient sees crisis resources, staff see the alert level and the flags.

Sources
-------
[ASQ]        National Institute of Mental Health (NIMH). Ask Suicide-Screening Questions (ASQ)
             Toolkit: the ASQ screening tool (the toolkit copy consulted is dated 2017). Public
             domain, US government work.
             https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials
             The four questions, the acuity question (question 5) and the scoring below are the
             tool's: "yes" to any of questions 1-4 is a positive screen; "yes" to question 5 is an
             acute positive screen (imminent risk: a STAT safety / full mental health evaluation);
             "no" to question 5 after a positive screen is a non-acute positive screen (potential
             risk: a brief suicide safety assessment). "No" to all of 1-4 is negative; question 5
             is then not needed. A patient who refuses to answer 1-4 is scored as a positive
             screen: this rule was read in reproductions of the tool sheet, not in NIMH's own PDF,
             and is to be checked against that PDF.
[ASQ-YOUTH]  The ASQ was developed and validated in youth: NIMH's toolkit page reports that a "yes"
             to one or more of the four questions identified 97% of youth aged 10 to 21 at risk
             for suicide (pediatric emergency departments).
[ASQ-ADULT]  Horowitz LM, Snyder DJ, Boudreaux ED, et al. Validation of the Ask Suicide-Screening
             Questions for Adult Medical Inpatients: A Brief Tool for All Ages. Psychosomatics.
             2020;61(6):713-722. doi:10.1016/j.psym.2020.04.008 (PMC9773543): 727 adult medical
             inpatients, sensitivity 100%, specificity 89% against the Adult Suicidal Ideation
             Questionnaire. NIMH publishes adult pathways and an adult Brief Suicide Safety
             Assessment guide "for use after a patient (18+ years) screens positive":
             https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials/adult-ed/adult-emergency-department-brief-suicide-safety-assessment-guide
             Note: the validation studies are in medical settings (emergency departments and
             inpatient units) with the questions asked by a nurse or clinician; asking them on a
             self-completed web form is this clinic's use, not the validated one.
[PHQ9]       Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med. 2001;16(9):606-613 (item 9,
             see booking/screening.py). Any answer above 0 needs same-day follow-up.
[NIMH-WS]    NIMH. Frequently Asked Questions About Suicide (publication, warning signs section).
             https://www.nimh.nih.gov/health/publications/suicide-faq
             The warning signs NIMH lists include talking about wanting to die or wanting to kill
             oneself; feeling empty, hopeless, or having no reason to live; being a burden to
             others; and making a plan or looking for a way to kill oneself, such as stockpiling
             pills.

Spanish ASQ: NIMH lists the ASQ in other languages, Spanish included, but its published Spanish
wording could not be checked against an NIMH copy, so no Spanish text is given here. Validated
instruments are shown only in their published wording; a home translation is never a substitute.

The free-text phrase list is not a validated instrument or a published lexicon. It was composed
for this clinic from the warning signs in [NIMH-WS], the wording of PHQ-9 item 9 [PHQ9] and of
the ASQ [ASQ], in English and Spanish. It flags text for a staff member to read; it never marks
a request urgent on its own and is never shown to the patient.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# ---------------------------------------------------------------------------------------------
# ASQ [ASQ]
# ---------------------------------------------------------------------------------------------

ASQ_CITATION = (
    "National Institute of Mental Health. Ask Suicide-Screening Questions (ASQ) Toolkit, 2017. "
    "https://www.nimh.nih.gov/research/research-conducted-at-nimh/asq-toolkit-materials"
)

# Questions 1-4 are the screen; question 5 grades acuity and follows a positive screen.
ASQ_QUESTIONS = (
    "In the past few weeks, have you wished you were dead?",
    "In the past few weeks, have you felt that you or your family would be better off if you were dead?",
    "In the past week, have you been having thoughts about killing yourself?",
    "Have you ever tried to kill yourself?",
    "Are you having thoughts of killing yourself right now?",
)
ASQ_SCREEN_COUNT = 4


class AsqAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    DECLINED = "declined"


class AsqOutcome(StrEnum):
    NEGATIVE = "negative"
    NON_ACUTE_POSITIVE = "non_acute_positive"
    ACUTE_POSITIVE = "acute_positive"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class AsqResult:
    outcome: AsqOutcome
    # A "yes" or a refusal on any of questions 1-4, or a "yes" on question 5.
    positive: bool
    # Question numbers (1-5) the patient chose not to answer, for the clinician's follow-up.
    declined: tuple[int, ...]
    # Question numbers (1-5) not reached yet (a half-saved form).
    unanswered: tuple[int, ...]

    @property
    def acuity_declined(self) -> bool:
        return 5 in self.declined and self.positive


def _asq_answer(number: int, answer: object) -> AsqAnswer | None:
    if answer is None or isinstance(answer, AsqAnswer):
        return answer
    if isinstance(answer, str):
        try:
            return AsqAnswer(answer.strip().lower())
        except ValueError:
            pass
    # True/False are rejected on purpose: they cannot say "declined", which the tool scores apart.
    raise ValueError(f"ASQ question {number}: answer must be 'yes', 'no', 'declined' or None, not {answer!r}.")


def score_asq(answers: Sequence[AsqAnswer | str | None]) -> AsqResult:
    """Score the ASQ as the NIMH tool does [ASQ].

    ``answers`` holds five answers (questions 1-5) or four (question 5 not asked yet), each
    ``"yes"``, ``"no"``, ``"declined"`` or None (not answered yet).

    - Any "yes" or "declined" on 1-4 is a positive screen, whatever else is unanswered.
    - Positive, then "yes" on 5: acute positive. "No" on 5: non-acute positive. 5 not answered
      yet: incomplete (still positive, so staff are alerted).
    - Positive, then "declined" on 5: acute positive. The tool itself scores a refusal as the
      risk answer (a refusal on 1-4 counts as a positive screen) and says nothing separate about
      refusing question 5; the same rule is applied to it, so a patient who will not say whether
      they are thinking of killing themselves right now is treated as if they are.
    - "Yes" on 5 is acute positive even when 1-4 are "no": current thoughts of suicide are never
      graded lower because an earlier answer disagrees.
    - "No" on all of 1-4: negative (question 5 is not needed; a "no" or refusal there changes
      nothing). Some of 1-4 unanswered and none positive: incomplete.

    Raises ValueError for anything else: not a list, a wrong number of answers, an unknown answer.
    """
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError("ASQ answers must be a list of four or five answers.")
    if len(answers) not in (ASQ_SCREEN_COUNT, len(ASQ_QUESTIONS)):
        raise ValueError(f"ASQ needs four or five answers, got {len(answers)}.")
    given = [_asq_answer(number, answer) for number, answer in enumerate(answers, start=1)]
    if len(given) == ASQ_SCREEN_COUNT:
        given.append(None)
    screen, acuity = given[:ASQ_SCREEN_COUNT], given[ASQ_SCREEN_COUNT]

    declined = tuple(n for n, a in enumerate(given, start=1) if a is AsqAnswer.DECLINED)
    unanswered = tuple(n for n, a in enumerate(given, start=1) if a is None)
    screen_positive = any(a in (AsqAnswer.YES, AsqAnswer.DECLINED) for a in screen)

    if acuity is AsqAnswer.YES:
        outcome = AsqOutcome.ACUTE_POSITIVE
    elif screen_positive:
        outcome = {
            AsqAnswer.NO: AsqOutcome.NON_ACUTE_POSITIVE,
            AsqAnswer.DECLINED: AsqOutcome.ACUTE_POSITIVE,
            None: AsqOutcome.INCOMPLETE,
        }[acuity]
    elif any(a is None for a in screen):
        outcome = AsqOutcome.INCOMPLETE
    else:
        outcome = AsqOutcome.NEGATIVE
    return AsqResult(
        outcome=outcome,
        positive=screen_positive or acuity is AsqAnswer.YES,
        declined=declined,
        unanswered=unanswered,
    )


# ---------------------------------------------------------------------------------------------
# Alert level
# ---------------------------------------------------------------------------------------------


class AlertLevel(StrEnum):
    NONE = "none"
    SAME_DAY = "same_day"  # a clinician calls the patient back today
    ACUTE = "acute"  # immediate safety evaluation; staff act now


_ALERT_ORDER = (AlertLevel.NONE, AlertLevel.SAME_DAY, AlertLevel.ACUTE)


def crisis_alert_level(*, phq9_item9: int | None, asq: AsqResult | None = None) -> AlertLevel:
    """How urgently staff must act, from PHQ-9 item 9 and the ASQ that follows it.

    - ``acute``: an ASQ acute positive, which includes a "yes" to question 5 and a refusal of
      question 5 after a positive screen (see score_asq) [ASQ].
    - ``same_day``: PHQ-9 item 9 above 0, whatever else is unanswered [PHQ9]; or any positive
      ASQ screen, including one whose question 5 is not answered yet.
    - ``none``: neither.

    Nothing here lowers the level item 9 set: a negative ASQ after a positive item 9 is still
    ``same_day``. ``phq9_item9`` is the item's 0-3 answer, or None if not answered yet.
    Raises ValueError for an item 9 answer outside 0-3 or an ``asq`` that is not an AsqResult.
    """
    if phq9_item9 is not None and (
        isinstance(phq9_item9, bool) or not isinstance(phq9_item9, int) or not 0 <= phq9_item9 <= 3
    ):
        raise ValueError(f"PHQ-9 item 9 must be 0, 1, 2, 3 or None, not {phq9_item9!r}.")
    if asq is not None and not isinstance(asq, AsqResult):
        raise ValueError(f"asq must be an AsqResult from score_asq() or None, not {asq!r}.")

    levels = [AlertLevel.NONE]
    if phq9_item9 is not None and phq9_item9 > 0:
        levels.append(AlertLevel.SAME_DAY)
    if asq is not None:
        if asq.outcome is AsqOutcome.ACUTE_POSITIVE:
            levels.append(AlertLevel.ACUTE)
        elif asq.positive:
            levels.append(AlertLevel.SAME_DAY)
    return max(levels, key=_ALERT_ORDER.index)


# ---------------------------------------------------------------------------------------------
# Crisis phrases in free text [NIMH-WS] [PHQ9] [ASQ]
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisPhrase:
    label: str  # what staff see: the phrase as a person would write it
    language: str  # "en" or "es"
    pattern: str  # a regular expression over normalised text (see _normalise_text)
    source: str


# Patterns run on text that is lower-cased, stripped of accents and apostrophes, with every run of
# punctuation or space turned into one space: "Don't", "DONT" and "don’t" all read "dont",
# "quitarme la vida." and "Quitarme  la VIDA" read the same, "daño" reads "dano".
# Idioms such as "dead tired", "killing time", "this commute is killing me", "me muero de risa" or
# "muerto de cansancio" are left alone because every pattern needs a self-directed phrase, not a
# lone word like "dead", "kill" or "morir".
# A negated mention ("no suicidal thoughts") is still flagged on purpose: a staff member reading
# a harmless sentence costs little, and a negation rule would also hide "not sure I don't want to die".
CRISIS_PHRASES = (
    CrisisPhrase("suicide", "en", r"\bsuicid(?:e|es|al|ality)\b", "NIMH-WS"),
    CrisisPhrase("kill myself", "en", r"\bkill(?:s|ed|ing)? my ?self\b", "NIMH-WS"),
    CrisisPhrase(
        "end my life",
        "en",
        r"\b(?:end|ends|ended|ending) my (?:own )?life\b|\b(?:take|taking|took) my (?:own )?life\b"
        r"|\bend(?:ing)? it all\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "want to die",
        "en",
        r"\b(?:want|wants|wanted|wanting) to die\b|\bwanna die\b|\bwish (?:that )?i (?:was|were) dead\b"
        r"|\b(?:dont|do not|no longer|not) (?:want|wanna) to (?:live|be alive|wake up)\b"
        r"|\b(?:dont|do not|no longer|not) wanna (?:live|be alive|wake up)\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "better off dead",
        "en",
        r"\bbetter off (?:dead|without me)\b|\bbetter off if i (?:was|were) (?:dead|gone)\b",
        "PHQ9",
    ),
    CrisisPhrase(
        "no reason to live",
        "en",
        r"\b(?:no|any) reasons? (?:to|for) liv(?:e|ing)\b|\bnothing (?:left )?to live for\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "burden to others",
        "en",
        r"\b(?:a|such a|the) burden (?:to|on|for) (?:everyone|everybody|my family|others|my kids|my children"
        r"|the people)\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "self-harm",
        "en",
        r"\bself ?harm\w*|\bself injur\w*"
        r"|\b(?:want|wanted|wanting|going|thinking|thought|thoughts|urges?|urge) (?:to |about |of )?"
        r"(?:hurt|hurting|harm|harming) my ?self\b|\bcutting my ?self\b",
        "PHQ9",
    ),
    CrisisPhrase(
        "overdose or stockpiling pills",
        "en",
        r"\boverdos(?:e|ed|es|ing)\b|\b(?:stockpil\w*|saving up|hoarding) (?:my )?(?:pills|meds|medication)\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "suicidio",
        "es",
        r"\bsuicid(?:io|ios|a|as|arme|arse|arte|arnos|andome|andose|ado|ada)\b",
        "NIMH-WS",
    ),
    CrisisPhrase("matarme", "es", r"\bmatarme\b|\bme (?:quiero|voy a) matar\b", "NIMH-WS"),
    CrisisPhrase(
        "quitarme la vida",
        "es",
        r"\bquitar(?:me|se) la vida\b|\bacabar con mi vida\b|\bacabar con todo\b(?! (?:el|la|los|las|lo)\b)",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "quiero morir",
        "es",
        r"\b(?:quiero|quisiera|deseo|ganas de) morir(?:me)?\b|\bme quiero morir\b"
        r"|\bno quiero (?:vivir|seguir viviendo|despertar)\b",
        "NIMH-WS",
    ),
    CrisisPhrase(
        "mejor muerto",
        "es",
        r"\bmejor (?:estar |estaria |estuviera )?muert[oa]s?\b|\bestaria(?:n)? mejor sin mi\b",
        "PHQ9",
    ),
    CrisisPhrase(
        "no tengo razones para vivir",
        "es",
        r"\b(?:no tengo|sin|ninguna|ningun) (?:razon|razones|motivo|motivos) (?:para|por el cual|por la cual) vivir\b"
        r"|\bno tengo (?:nada )?por que vivir\b|\bno tengo para que vivir\b",
        "NIMH-WS",
    ),
    CrisisPhrase("soy una carga", "es", r"\bsoy una carga\b", "NIMH-WS"),
    CrisisPhrase(
        "hacerme daño",
        "es",
        r"\b(?:hacerme|haciendome|hacerse) dano\b|\blastimarme\b|\bautolesion\w*|\bsobredosis\b",
        "PHQ9",
    ),
)

_COMPILED = tuple((phrase, re.compile(phrase.pattern)) for phrase in CRISIS_PHRASES)
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc`\u00b4]")
_NOT_WORD = re.compile(r"[\W_]+")


def _normalise_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", plain)).split())


def free_text_flags(text: str | None) -> list[str]:
    """The crisis phrases found in a free-text field, as labels for staff, each once, in list order.

    A non-empty result means "a staff member should read this text". It does not make a request
    urgent on its own and is never shown to the patient. None or blank text gives [].
    Raises ValueError for anything that is not text.
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise ValueError(f"free text must be a string or None, not {type(text).__name__}.")
    normalised = _normalise_text(text)
    if not normalised:
        return []
    found = []
    for phrase, pattern in _COMPILED:
        if phrase.label not in found and pattern.search(normalised):
            found.append(phrase.label)
    return found
