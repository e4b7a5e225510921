"""Tests for the crisis rules. Plain pytest: no Django, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking import crisis as c
from booking.crisis import AlertLevel, AsqAnswer, AsqOutcome

Y, N, D = "yes", "no", "declined"
NEG, NON_ACUTE, ACUTE, INCOMPLETE = (
    AsqOutcome.NEGATIVE,
    AsqOutcome.NON_ACUTE_POSITIVE,
    AsqOutcome.ACUTE_POSITIVE,
    AsqOutcome.INCOMPLETE,
)


def test_questions_are_the_published_english_wording():
    assert c.ASQ_QUESTIONS == (
        "In the past few weeks, have you wished you were dead?",
        "In the past few weeks, have you felt that you or your family would be better off if you were dead?",
        "In the past week, have you been having thoughts about killing yourself?",
        "Have you ever tried to kill yourself?",
        "Are you having thoughts of killing yourself right now?",
    )
    # No Spanish wording is offered until the published NIMH translation has been checked.
    assert not hasattr(c, "ASQ_QUESTIONS_ES")


@pytest.mark.parametrize(
    ("answers", "outcome", "positive"),
    [
        # Negative: "no" to 1-4; question 5 is not needed and changes nothing.
        ([N, N, N, N], NEG, False),
        ([N, N, N, N, None], NEG, False),
        ([N, N, N, N, N], NEG, False),
        ([N, N, N, N, D], NEG, False),
        # Any "yes" on 1-4, then "no" on 5: non-acute positive.
        ([Y, N, N, N, N], NON_ACUTE, True),
        ([N, Y, N, N, N], NON_ACUTE, True),
        ([N, N, Y, N, N], NON_ACUTE, True),
        ([N, N, N, Y, N], NON_ACUTE, True),
        ([Y, Y, Y, Y, N], NON_ACUTE, True),
        # A past attempt alone is a positive screen.
        ([N, N, N, Y, N], NON_ACUTE, True),
        # Refusing any of 1-4 is a positive screen, as the tool says.
        ([D, N, N, N, N], NON_ACUTE, True),
        ([N, N, N, D, N], NON_ACUTE, True),
        # Any "yes" on 1-4, then "yes" on 5: acute positive.
        ([Y, N, N, N, Y], ACUTE, True),
        ([N, N, N, Y, Y], ACUTE, True),
        ([D, N, N, N, Y], ACUTE, True),
        # Positive screen and question 5 refused: treated as acute.
        ([Y, N, N, N, D], ACUTE, True),
        ([D, D, D, D, D], ACUTE, True),
        # "Yes" to 5 is acute even when 1-4 say no or are missing.
        ([N, N, N, N, Y], ACUTE, True),
        ([None, None, None, None, Y], ACUTE, True),
        # Positive screen, question 5 not reached yet: incomplete but positive.
        ([Y, N, N, N, None], INCOMPLETE, True),
        ([Y, N, N, N], INCOMPLETE, True),
        ([Y, None, None, None, None], INCOMPLETE, True),
        # Nothing positive, something unanswered: incomplete and not positive.
        ([N, N, N, None, None], INCOMPLETE, False),
        ([None, None, None, None, None], INCOMPLETE, False),
        ([None, None, None, None], INCOMPLETE, False),
    ],
)
def test_every_asq_path(answers, outcome, positive):
    result = c.score_asq(answers)
    assert result.outcome is outcome
    assert result.positive is positive


def test_declined_and_unanswered_questions_are_reported_for_the_clinician():
    result = c.score_asq([Y, D, N, None, D])
    assert result.declined == (2, 5)
    assert result.unanswered == (4,)
    assert result.acuity_declined
    assert not c.score_asq([N, N, N, N, D]).acuity_declined
    assert c.score_asq([Y, N, N, N]).unanswered == (5,)


def test_enum_members_and_loose_spelling_are_accepted():
    assert c.score_asq([AsqAnswer.YES, "NO", " No ", "no", AsqAnswer.NO]).outcome is NON_ACUTE
    assert c.score_asq(("no",) * 4).outcome is NEG


@pytest.mark.parametrize(
    "answers",
    [
        "yes,no,no,no,no",
        b"yes",
        None,
        42,
        {1: "yes"},
        [Y, N, N],
        [Y, N, N, N, N, N],
        [],
        [True, False, False, False, False],
        [Y, N, N, N, "maybe"],
        [Y, N, N, N, 1],
        [Y, N, N, N, ""],
    ],
)
def test_bad_asq_input_raises(answers):
    with pytest.raises(ValueError):
        c.score_asq(answers)


ANSWER = st.sampled_from([Y, N, D, None, AsqAnswer.YES, AsqAnswer.NO, AsqAnswer.DECLINED, "YES", "No"])


@given(st.lists(ANSWER, min_size=4, max_size=5))
def test_score_asq_never_crashes_on_valid_shapes(answers):
    result = c.score_asq(answers)
    assert result.outcome in AsqOutcome
    assert set(result.declined).isdisjoint(result.unanswered)


@given(st.lists(ANSWER, min_size=4, max_size=5), st.integers(min_value=0, max_value=3))
def test_a_yes_on_questions_1_to_4_is_never_negative(answers, at):
    answers[at] = Y
    result = c.score_asq(answers)
    assert result.outcome is not NEG
    assert result.positive
    # And staff are always alerted at least the same day.
    assert c.crisis_alert_level(phq9_item9=None, asq=result) is not AlertLevel.NONE


@given(st.lists(ANSWER, min_size=4, max_size=5))
def test_only_all_no_on_1_to_4_is_negative(answers):
    result = c.score_asq(answers)
    all_no = all(c.AsqAnswer(a.lower()) is AsqAnswer.NO if a else False for a in answers[:4])
    fifth_yes = len(answers) == 5 and answers[4] is not None and answers[4].lower() == "yes"
    assert (result.outcome is NEG) == (all_no and not fifth_yes)


ASQ_NEGATIVE = c.score_asq([N, N, N, N])
ASQ_NON_ACUTE = c.score_asq([Y, N, N, N, N])
ASQ_ACUTE = c.score_asq([Y, N, N, N, Y])
ASQ_ACUITY_DECLINED = c.score_asq([Y, N, N, N, D])
ASQ_PENDING_POSITIVE = c.score_asq([Y, N, N, N])
ASQ_PENDING = c.score_asq([None, None, None, None])


@pytest.mark.parametrize(
    ("item9", "asq", "level"),
    [
        (None, None, AlertLevel.NONE),
        (0, None, AlertLevel.NONE),
        (0, ASQ_NEGATIVE, AlertLevel.NONE),
        (0, ASQ_PENDING, AlertLevel.NONE),
        # A positive item 9 is at least same-day, whatever else is unanswered or negative.
        (1, None, AlertLevel.SAME_DAY),
        (2, ASQ_PENDING, AlertLevel.SAME_DAY),
        (3, ASQ_NEGATIVE, AlertLevel.SAME_DAY),
        (1, ASQ_NON_ACUTE, AlertLevel.SAME_DAY),
        (1, ASQ_PENDING_POSITIVE, AlertLevel.SAME_DAY),
        # An acute ASQ, or question 5 refused after a positive screen, is acute.
        (1, ASQ_ACUTE, AlertLevel.ACUTE),
        (3, ASQ_ACUITY_DECLINED, AlertLevel.ACUTE),
        (None, ASQ_ACUTE, AlertLevel.ACUTE),
        (0, ASQ_ACUTE, AlertLevel.ACUTE),
        # A positive ASQ on its own is same-day.
        (None, ASQ_NON_ACUTE, AlertLevel.SAME_DAY),
        (0, ASQ_PENDING_POSITIVE, AlertLevel.SAME_DAY),
    ],
)
def test_alert_level(item9, asq, level):
    assert c.crisis_alert_level(phq9_item9=item9, asq=asq) is level


@pytest.mark.parametrize("item9", [-1, 4, True, "1", 1.0])
def test_alert_level_rejects_bad_item9(item9):
    with pytest.raises(ValueError):
        c.crisis_alert_level(phq9_item9=item9)


def test_alert_level_rejects_raw_answers_and_is_keyword_only():
    with pytest.raises(ValueError):
        c.crisis_alert_level(phq9_item9=1, asq=[Y, N, N, N, Y])
    with pytest.raises(TypeError):
        c.crisis_alert_level(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I want to kill myself", "kill myself"),
        ("i KILLED myself in my dreams again", "kill myself"),
        ("thinking of killing my self", "kill myself"),
        ("I've been suicidal since March", "suicide"),
        ("Side effects: SUICIDAL THOUGHTS on paroxetine!", "suicide"),
        ("I keep thinking about suicide.", "suicide"),
        ("I want to end my life", "end my life"),
        ("sometimes I think about ending it all", "end my life"),
        ("I thought about taking my own life", "end my life"),
        ("I just want to die", "want to die"),
        ("I don't want to live anymore", "want to die"),
        ("I DON’T want to be alive", "want to die"),
        ("dont wanna wake up tomorrow", "want to die"),
        ("I wish I was dead", "want to die"),
        ("Everyone would be better off without me", "better off dead"),
        ("I'd be better off dead", "better off dead"),
        ("I have no reason to live", "no reason to live"),
        ("nothing left to live for", "no reason to live"),
        ("I'm a burden to my family", "burden to others"),
        ("I've had urges to hurt myself", "self-harm"),
        ("history of self-harm", "self-harm"),
        ("I have been cutting myself", "self-harm"),
        ("I overdosed on my pills last year", "overdose or stockpiling pills"),
        ("I've been stockpiling pills", "overdose or stockpiling pills"),
        ("Pienso en el suicidio todos los días", "suicidio"),
        ("He pensado en suicidarme", "suicidio"),
        ("Quiero matarme", "matarme"),
        ("me quiero matar", "matarme"),
        ("Quiero quitarme la vida.", "quitarme la vida"),
        ("a veces quiero acabar con todo", "quitarme la vida"),
        ("Me quiero morir", "quiero morir"),
        ("tengo ganas de morirme", "quiero morir"),
        ("No quiero seguir viviendo", "quiero morir"),
        ("Estaría mejor muerta", "mejor muerto"),
        ("MI FAMILIA ESTARIA MEJOR SIN MI", "mejor muerto"),
        ("No tengo razones para vivir", "no tengo razones para vivir"),
        ("Siento que soy una carga", "soy una carga"),
        ("He pensado en hacerme daño", "hacerme daño"),
        ("quiero lastimarme", "hacerme daño"),
        ("tomé una sobredosis", "hacerme daño"),
    ],
)
def test_crisis_phrases_are_flagged(text, label):
    assert label in c.free_text_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm dead tired after work",
        "just killing time in the waiting room",
        "this commute is killing me",
        "My back is killing me",
        "I could kill for a coffee",
        "I'm dying to try TMS",
        "I want to live a normal life again",
        "I hurt my back at the gym",
        "Nausea and headaches on sertraline",
        "Please call me after 5pm",
        "Me muero de risa",
        "Estoy muerto de cansancio",
        "Me muero de ganas de empezar",
        "Tengo muchas razones para vivir",
        "Quiero vivir mejor",
        "Tengo que acabar con todo el papeleo",
        "Me voy a cortar el pelo",
        "",
        "   ",
        "?!...",
    ],
)
def test_idioms_and_ordinary_text_are_not_flagged(text):
    assert c.free_text_flags(text) == []


def test_none_is_no_flags_and_non_text_raises():
    assert c.free_text_flags(None) == []
    with pytest.raises(ValueError):
        c.free_text_flags(["kill myself"])  # type: ignore[arg-type]


def test_each_label_once_in_list_order():
    text = "I want to kill myself. Kill myself. Quiero quitarme la vida. I'm suicidal."
    assert c.free_text_flags(text) == ["suicide", "kill myself", "quitarme la vida"]


def test_every_phrase_has_a_known_source_and_language():
    assert {p.source for p in c.CRISIS_PHRASES} <= {"NIMH-WS", "PHQ9", "ASQ"}
    assert {p.language for p in c.CRISIS_PHRASES} == {"en", "es"}
    assert len({p.label for p in c.CRISIS_PHRASES}) == len(c.CRISIS_PHRASES)


@given(st.text(max_size=300))
def test_free_text_flags_never_crashes(text):
    flags = c.free_text_flags(text)
    assert len(flags) == len(set(flags))
