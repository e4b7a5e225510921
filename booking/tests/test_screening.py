"""Tests for the screening rules. Plain pytest: no Django, no database."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking import screening as s
from booking.safety_questions import CONTRAINDICATION, NOT_SURE, QUESTIONS_BY_KEY, SAFETY_QUESTIONS

CATALOG = s.load_catalog()
POLICIES = s.default_policies()
TODAY = date(2026, 12, 2)
DOB_ADULT = date(1980, 5, 17)

# Every question answered the safe way.
SAFE_ANSWERS = {q.key: not q.raised_when for q in SAFETY_QUESTIONS}


def trial(key, dose, weeks, response=s.Response.NONE, current_episode=True, **kw):
    return s.Trial(
        medication_key=key,
        max_daily_dose=dose,
        weeks_at_dose=weeks,
        response=response,
        current_episode=current_episode,
        **kw,
    )


def phq9_totalling(total):
    """Nine valid answers adding up to total, with item 9 left at 0."""
    answers = [0] * 9
    for i in range(8):
        answers[i] = min(3, total - sum(answers))
    assert sum(answers) == total
    return answers


def intake(**overrides):
    """An intake that meets every criterion of every shipped policy and raises no safety flag."""
    base = {
        "diagnosis": "major_depression",
        "episode_months": 14,
        "trials": [trial("sertraline", 100, 8), trial("bupropion", 300, 8)],
        "psychotherapy_tried": True,
        "psychotherapy_weeks": 12,
        "psychotherapy_kind": "CBT",
        "prior_ect": False,
        "prior_tms": False,
        "prior_ketamine_or_esketamine": False,
        "phq9": phq9_totalling(18),
        "safety": dict(SAFE_ANSWERS),
        "date_of_birth": DOB_ADULT,
    }
    base.update(overrides)
    return s.IntakeAnswers(**base)


def run(answers=None, tms="clinic_default_tms", spravato="spravato_label_2025", cleared=None, today=TODAY, **kw):
    return s.screen(
        answers=answers or intake(),
        catalog=CATALOG,
        tms_policy=POLICIES[tms],
        spravato_policy=POLICIES[spravato],
        cleared=cleared,
        today=today,
        **kw,
    )


def result(summary, treatment):
    return getattr(summary, treatment)


# --- PHQ-9 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, band",
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_boundaries(total, band):
    answers = [3] * 9 if total == 27 else phq9_totalling(total)
    result = s.score_phq9(answers)
    assert (result.total, result.band, result.complete) == (total, band, True)


@pytest.mark.parametrize(
    "answers",
    [
        [0] * 8,
        [0] * 10,
        [],
        [0] * 8 + [4],
        [-1] + [0] * 8,
        [1.0] + [0] * 8,
        ["1"] + [0] * 8,
        [True] + [0] * 8,
        "000000000",
        None,
    ],
)
def test_phq9_invalid_answers_raise(answers):
    with pytest.raises(ValueError):
        s.score_phq9(answers)


def test_phq9_item9_flag_and_texts():
    assert s.score_phq9([0] * 8 + [1]).item9_positive
    assert not s.score_phq9([3] * 8 + [0]).item9_positive
    assert len(s.PHQ9_ITEMS) == 9
    assert [value for value, _ in s.PHQ9_CHOICES] == [0, 1, 2, 3]


def test_phq9_unanswered_item_is_incomplete_without_band():
    result = s.score_phq9([3] * 8 + [None])
    assert (result.total, result.band, result.complete, result.item9_positive) == (24, None, False, False)


valid_answers = st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9)


@given(valid_answers)
def test_phq9_properties(answers):
    result = s.score_phq9(answers)
    assert result.total == sum(answers)
    lowest = {"minimal": 0, "mild": 5, "moderate": 10, "moderately_severe": 15, "severe": 20}
    highest = {"minimal": 4, "mild": 9, "moderate": 14, "moderately_severe": 19, "severe": 27}
    assert lowest[result.band] <= result.total <= highest[result.band]
    assert result.item9_positive == (answers[8] > 0)
    assert result.complete


bad_answer = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=4),
    st.floats(allow_nan=True),
    st.text(),
    st.booleans(),
)


@given(
    st.one_of(
        # wrong length
        st.lists(st.integers(min_value=0, max_value=3), max_size=20).filter(lambda a: len(a) != 9),
        # right length, at least one bad answer
        st.tuples(valid_answers, st.integers(min_value=0, max_value=8), bad_answer).map(
            lambda t: t[0][: t[1]] + [t[2]] + t[0][t[1] + 1 :]
        ),
    )
)
def test_phq9_any_invalid_list_raises(answers):
    with pytest.raises(ValueError):
        s.score_phq9(answers)


# --- Outcomes: the reported cases ---------------------------------------------------------------

TMS_POLICIES = [p.id for p in POLICIES.values() if p.treatment == "tms"]


@pytest.mark.parametrize("tms_policy", TMS_POLICIES)
def test_full_intake_looks_met_under_every_policy(tms_policy):
    summary = run(tms=tms_policy)
    assert summary.tms.outcome == s.LIKELY_MET, (summary.tms.unmet, summary.tms.missing)
    assert summary.spravato.outcome == s.LIKELY_MET, (summary.spravato.unmet, summary.spravato.missing)
    assert summary.safety_flags == []
    assert summary.tms.policy["id"] == tms_policy


def test_aneurysm_and_brain_bleed_are_a_spravato_contraindication_never_met():
    summary = run(intake(safety={**SAFE_ANSWERS, "aneurysm_or_avm": True, "brain_bleed_history": True}))
    assert summary.spravato.outcome == s.CONTRAINDICATION_OUTCOME
    assert not summary.spravato.likely_met
    assert "a clinician must clear it first" in summary.spravato.reason
    assert {c.key for c in summary.spravato.contraindications} == {"aneurysm_or_avm", "brain_bleed_history"}
    assert "look met" not in json.dumps(summary.to_dict())
    assert summary.tms.outcome == s.LIKELY_MET  # not a TMS question


@pytest.mark.parametrize("tms_policy", TMS_POLICIES)
def test_metal_in_the_head_is_a_tms_contraindication_under_every_policy(tms_policy):
    summary = run(intake(safety={**SAFE_ANSWERS, "metal_in_head": True}), tms=tms_policy)
    assert summary.tms.outcome == s.CONTRAINDICATION_OUTCOME
    assert summary.tms.contraindications[0].answer == "yes"


@pytest.mark.parametrize("key", [q.key for q in SAFETY_QUESTIONS if q.kind == CONTRAINDICATION])
def test_each_contraindication_question_leads_to_the_contraindication_outcome(key):
    q = QUESTIONS_BY_KEY[key]
    summary = run(intake(safety={**SAFE_ANSWERS, key: q.raised_when}))
    for treatment in q.treatments:
        assert result(summary, treatment).outcome == s.CONTRAINDICATION_OUTCOME
        assert q.label in result(summary, treatment).reason


EXCLUSION_CASES = [(p.id, e.key) for p in POLICIES.values() for e in p.exclusions]


@pytest.mark.parametrize("policy_id, key", EXCLUSION_CASES)
def test_each_policy_exclusion_leads_to_the_contraindication_outcome(policy_id, key):
    policy = POLICIES[policy_id]
    q = QUESTIONS_BY_KEY[key]
    kwargs = {policy.treatment: policy_id}
    summary = run(intake(safety={**SAFE_ANSWERS, key: q.raised_when}), **kwargs)
    outcome = result(summary, policy.treatment)
    assert outcome.outcome == s.CONTRAINDICATION_OUTCOME
    assert [c.key for c in outcome.contraindications] == [key]


def test_an_exclusion_of_one_policy_is_a_review_item_under_another():
    answers = intake(safety={**SAFE_ANSWERS, "substance_use": True})
    assert run(answers, tms="aetna_cpb_0469").tms.outcome == s.CONTRAINDICATION_OUTCOME
    under_default = run(answers).tms
    assert under_default.outcome == s.LIKELY_MET
    spravato = run(answers).spravato
    assert spravato.outcome == s.LIKELY_MET
    assert any("Alcohol or drug use" in item and "clinician review" in item for item in spravato.needs_review)


def test_a_cleared_contraindication_names_the_clinician():
    answers = intake(safety={**SAFE_ANSWERS, "metal_in_head": True})
    cleared = {"metal_in_head": s.Clearance(by="Dr Ana Ruiz", note="Dental fillings only")}
    summary = run(answers, cleared=cleared)
    assert summary.tms.outcome == s.LIKELY_MET
    assert summary.tms.outcome_label == "Criteria likely met (contraindication cleared by Dr Ana Ruiz)"
    assert summary.tms.cleared[0].clearance_note == "Dental fillings only"
    assert summary.tms.contraindications == []


def test_clearing_one_contraindication_leaves_the_other():
    answers = intake(safety={**SAFE_ANSWERS, "aneurysm_or_avm": True, "brain_bleed_history": True})
    summary = run(answers, cleared={"aneurysm_or_avm": s.Clearance(by="Dr Lee")})
    assert summary.spravato.outcome == s.CONTRAINDICATION_OUTCOME
    assert [c.key for c in summary.spravato.contraindications] == ["brain_bleed_history"]


def test_a_clearance_must_name_someone():
    with pytest.raises(ValueError):
        s.Clearance(by="  ")


def test_a_clearance_for_an_unraised_key_changes_nothing():
    summary = run(cleared={"metal_in_head": s.Clearance(by="Dr Lee")})
    assert summary.tms.outcome_label == "Criteria likely met"


@pytest.mark.parametrize("answer, expected", [(None, "not answered"), (NOT_SURE, "not sure")])
def test_an_unanswered_or_unsure_contraindication_question_cannot_tell(answer, expected):
    safety = {**SAFE_ANSWERS, "esketamine_or_ketamine_allergy": answer}
    if answer is None:
        del safety["esketamine_or_ketamine_allergy"]
    spravato = run(intake(safety=safety)).spravato
    assert spravato.outcome == s.CANNOT_TELL
    assert any("Allergy" in item and expected in item for item in spravato.missing)


def test_unanswered_safety_questions_say_not_answered_never_not_sure():
    summary = run(intake(safety={}))
    text = json.dumps(summary.to_dict())
    assert "not sure" not in text
    for q in SAFETY_QUESTIONS:
        for treatment in q.treatments:
            items = result(summary, treatment).missing + result(summary, treatment).needs_review
            assert f"{q.label}: not answered." in items
    assert summary.tms.outcome == summary.spravato.outcome == s.CANNOT_TELL
    assert summary.safety_flags == []


def test_an_unsure_review_question_is_for_clinician_review_only():
    spravato = run(intake(safety={**SAFE_ANSWERS, "high_blood_pressure": NOT_SURE})).spravato
    assert spravato.outcome == s.LIKELY_MET
    assert any("High blood pressure: answered 'not sure'" in item for item in spravato.needs_review)


@pytest.mark.parametrize("key", [q.key for q in SAFETY_QUESTIONS if q.kind != CONTRAINDICATION])
def test_review_questions_are_shown_but_do_not_change_the_default_outcome(key):
    q = QUESTIONS_BY_KEY[key]
    summary = run(intake(safety={**SAFE_ANSWERS, key: q.raised_when}))
    for treatment in q.treatments:
        outcome = result(summary, treatment)
        assert outcome.outcome == s.LIKELY_MET
        assert any(q.label in item and "clinician review" in item for item in outcome.needs_review)
    assert q.label in summary.safety_flags


def test_no_ride_home_is_flagged_and_a_ride_is_not():
    summary = run(intake(safety={**SAFE_ANSWERS, "has_ride_home": False}))
    assert summary.safety_flags == ["No ride home after treatment"]
    assert any("must not drive" in item for item in summary.spravato.needs_review)
    assert run().safety_flags == []


# Any answer to any question, with at least one contraindication or exclusion raised and not cleared.
answer_values = st.sampled_from([True, False, NOT_SURE, None])
safety_maps = st.fixed_dictionaries({q.key: answer_values for q in SAFETY_QUESTIONS})
trial_strategy = st.builds(
    s.Trial,
    medication_key=st.sampled_from([None, *sorted(CATALOG)]),
    max_daily_dose=st.one_of(st.none(), st.floats(min_value=0, max_value=1000)),
    weeks_at_dose=st.one_of(st.none(), st.floats(min_value=0, max_value=200)),
    response=st.one_of(st.none(), st.sampled_from(list(s.Response))),
    stop_reason=st.one_of(st.none(), st.sampled_from(list(s.StopReason))),
    current_episode=st.one_of(st.none(), st.booleans()),
)
answers_strategy = st.builds(
    s.IntakeAnswers,
    diagnosis=st.one_of(st.none(), st.sampled_from(s.DIAGNOSES)),
    episode_months=st.one_of(st.none(), st.integers(0, 240)),
    trials=st.lists(trial_strategy, max_size=5),
    psychotherapy_tried=st.one_of(st.none(), st.booleans()),
    psychotherapy_weeks=st.one_of(st.none(), st.integers(0, 200)),
    psychotherapy_kind=st.sampled_from([None, "CBT", "talking"]),
    phq9=st.one_of(st.none(), st.lists(st.integers(0, 3), min_size=9, max_size=9)),
    safety=safety_maps,
    date_of_birth=st.one_of(st.none(), st.dates(min_value=date(1920, 1, 1), max_value=date(2015, 1, 1))),
)


@settings(max_examples=150, deadline=None)
@given(answers_strategy, st.sampled_from(sorted(POLICIES)), st.data())
def test_no_answers_with_an_uncleared_contraindication_are_likely_met(answers, policy_id, data):
    policy = POLICIES[policy_id]
    blocking = [q.key for q in SAFETY_QUESTIONS if q.kind == CONTRAINDICATION and policy.treatment in q.treatments]
    blocking += [e.key for e in policy.exclusions]
    key = data.draw(st.sampled_from(blocking))
    answers.safety[key] = QUESTIONS_BY_KEY[key].raised_when
    others = [k for k in blocking if k != key]
    cleared = {
        k: s.Clearance(by="Dr Lee") for k in data.draw(st.lists(st.sampled_from(others) if others else st.nothing()))
    }
    outcome = s.evaluate(
        answers=answers,
        assessments=[s.assess_trial(t, CATALOG) for t in answers.trials],
        policy=policy,
        phq9=s.score_phq9(answers.phq9) if answers.phq9 else None,
        cleared=cleared,
        today=TODAY,
    )
    assert outcome.outcome == s.CONTRAINDICATION_OUTCOME
    assert not outcome.likely_met
    assert key in [c.key for c in outcome.contraindications]


@settings(max_examples=100, deadline=None)
@given(answers_strategy, st.sampled_from(sorted(POLICIES)))
def test_outcome_is_always_one_of_four_and_json_ready(answers, policy_id):
    policy = POLICIES[policy_id]
    outcome = s.evaluate(
        answers=answers,
        assessments=[s.assess_trial(t, CATALOG) for t in answers.trials],
        policy=policy,
        phq9=s.score_phq9(answers.phq9) if answers.phq9 else None,
        today=TODAY,
    )
    assert outcome.outcome in s.OUTCOMES
    if outcome.outcome == s.LIKELY_MET:
        assert not outcome.unmet and not outcome.missing and not outcome.contraindications
    json.dumps(s.asdict(outcome))


# --- Criteria of each policy, table-driven --------------------------------------------------------


@pytest.mark.parametrize(
    "policy_id, trials, outcome",
    [
        # one failed trial is enough for L34522 / L34998, not for two-trial policies
        ("cms_lcd_l34522", [trial("sertraline", 100, 8)], s.LIKELY_MET),
        ("cms_lcd_l34998", [trial("sertraline", 100, 8)], s.LIKELY_MET),
        ("cms_lcd_l37086", [trial("sertraline", 100, 8)], s.NOT_YET_MET),
        ("aetna_cpb_0469", [trial("sertraline", 100, 8)], s.NOT_YET_MET),
        ("clinic_default_tms", [trial("sertraline", 100, 8)], s.NOT_YET_MET),
        # two trials of one class: enough trials, not enough classes where classes count
        ("cms_lcd_l37086", [trial("sertraline", 100, 8), trial("fluoxetine", 20, 8)], s.NOT_YET_MET),
        ("aetna_cpb_0469", [trial("sertraline", 100, 8), trial("fluoxetine", 20, 8)], s.NOT_YET_MET),
        ("spravato_label_2025", [trial("sertraline", 100, 8), trial("fluoxetine", 20, 8)], s.LIKELY_MET),
        ("cms_lcd_l34522", [], s.NOT_YET_MET),
        # the same medicine twice is one agent
        ("spravato_label_2025", [trial("sertraline", 50, 8), trial("sertraline", 200, 10)], s.NOT_YET_MET),
        # a trial that helped a lot is not a failed trial
        ("cms_lcd_l34522", [trial("sertraline", 100, 8, s.Response.A_LOT)], s.NOT_YET_MET),
        # augmentation and esketamine do not count
        ("spravato_label_2025", [trial("sertraline", 100, 8), trial("aripiprazole", 10, 8)], s.NOT_YET_MET),
        ("spravato_label_2025", [trial("sertraline", 100, 8), trial("esketamine", 84, 8)], s.NOT_YET_MET),
        # a dose not given leaves it open rather than failed
        ("spravato_label_2025", [trial("sertraline", 100, 8), trial("bupropion", None, 8)], s.CANNOT_TELL),
    ],
)
def test_trial_criteria_per_policy(policy_id, trials, outcome):
    policy = POLICIES[policy_id]
    summary = run(intake(trials=trials), **{policy.treatment: policy_id})
    assert result(summary, policy.treatment).outcome == outcome


@pytest.mark.parametrize(
    "policy_id, outcome",
    [
        ("cms_lcd_l34522", s.LIKELY_MET),
        ("cms_lcd_l34998", s.LIKELY_MET),
        ("cms_lcd_l37086", s.LIKELY_MET),
        ("aetna_cpb_0469", s.NOT_YET_MET),
        ("spravato_label_2025", s.NOT_YET_MET),
        ("clinic_default_tms", s.LIKELY_MET),
    ],
)
def test_intolerance_counts_where_the_policy_says_so(policy_id, outcome):
    # sertraline stopped after 2 weeks for side effects, then bupropion failed
    stopped = trial("sertraline", 50, 2, stop_reason=s.StopReason.SIDE_EFFECTS)
    answers = intake(trials=[stopped, trial("bupropion", 300, 8)])
    policy = POLICIES[policy_id]
    got = result(run(answers, **{policy.treatment: policy_id}), policy.treatment)
    assert got.outcome == outcome, (got.unmet, got.missing)
    row = next(r for r in got.trial_rows if r.agent == "sertraline")
    assert row.counts is (outcome == s.LIKELY_MET)


@pytest.mark.parametrize(
    "episode, spravato_outcome, row_counts",
    [(True, s.LIKELY_MET, True), (False, s.NOT_YET_MET, False), (None, s.CANNOT_TELL, None)],
)
def test_spravato_counts_only_current_episode_trials(episode, spravato_outcome, row_counts):
    answers = intake(trials=[trial("sertraline", 100, 8), trial("bupropion", 300, 8, current_episode=episode)])
    summary = run(answers)
    assert summary.spravato.outcome == spravato_outcome
    row = next(r for r in summary.spravato.trial_rows if r.agent == "bupropion")
    assert row.counts is row_counts
    if episode is False:
        assert "past episode" in row.why
    assert summary.tms.outcome == s.LIKELY_MET  # TMS policies here do not limit to the current episode


def test_spravato_summary_no_longer_claims_the_intake_asks_about_the_episode():
    assert "The intake asks about the current episode" not in json.dumps(run().to_dict())


def test_spravato_never_requires_a_concurrent_oral_antidepressant():
    # every trial stopped: nothing is taken now, and the label's TRD indication still applies
    trials = [trial("sertraline", 100, 8, stop_reason=s.StopReason.NO_HELP), trial("bupropion", 300, 8)]
    assert run(intake(trials=trials)).spravato.outcome == s.LIKELY_MET
    assert "concurrent" not in " ".join(POLICIES["spravato_label_2025"].criteria)


@pytest.mark.parametrize(
    "policy_id, dob, outcome",
    [
        ("clinic_default_tms", date(2008, 12, 2), s.LIKELY_MET),  # 18 today
        ("clinic_default_tms", date(2008, 12, 3), s.NOT_YET_MET),  # 18 tomorrow
        ("cms_lcd_l34522", date(2010, 1, 1), s.NOT_YET_MET),
        ("aetna_cpb_0469", date(2010, 1, 1), s.LIKELY_MET),  # 16: the 2026 bulletin starts at 15
        ("aetna_cpb_0469", date(2012, 1, 1), s.NOT_YET_MET),
        ("spravato_label_2025", date(2010, 1, 1), s.NOT_YET_MET),
        ("spravato_label_2025", None, s.CANNOT_TELL),
        ("cms_lcd_l37086", None, s.CANNOT_TELL),
    ],
)
def test_age_per_policy(policy_id, dob, outcome):
    policy = POLICIES[policy_id]
    got = result(run(intake(date_of_birth=dob), **{policy.treatment: policy_id}), policy.treatment)
    assert got.outcome == outcome
    if dob is None:
        assert "Age: date of birth not given." in got.missing


@pytest.mark.parametrize(
    "dob, today, age",
    [
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(1980, 5, 17), date(2026, 5, 17), 46),
        (date(1980, 5, 17), date(2026, 5, 16), 45),
    ],
)
def test_age_on(dob, today, age):
    assert s.age_on(dob, today) == age


def test_age_on_rejects_a_date_before_birth():
    with pytest.raises(ValueError):
        s.age_on(date(2000, 1, 2), date(2000, 1, 1))


@pytest.mark.parametrize(
    "tried, weeks, outcome, item",
    [
        (True, 12, s.LIKELY_MET, "Psychotherapy: tried for 12 weeks."),
        (True, 7, s.NOT_YET_MET, "Psychotherapy: 7 weeks (needs 8)."),
        (True, None, s.CANNOT_TELL, "Psychotherapy: length not given (needs 8 weeks)."),
        (False, None, s.NOT_YET_MET, "Psychotherapy: not tried."),
        (None, None, s.CANNOT_TELL, "Psychotherapy: not answered."),
    ],
)
def test_psychotherapy_length_is_checked_against_the_policy(tried, weeks, outcome, item):
    from booking.policies import policy_from_dict

    data = POLICIES["clinic_default_tms"].to_dict()
    data["criteria"]["psychotherapy_min_weeks"] = {"value": 8, "basis": "clinic_setting", "where": "test setting"}
    policy = policy_from_dict(data)
    answers = intake(psychotherapy_tried=tried, psychotherapy_weeks=weeks)
    summary = s.screen(
        answers=answers,
        catalog=CATALOG,
        tms_policy=policy,
        spravato_policy=POLICIES["spravato_label_2025"],
        today=TODAY,
    )
    assert summary.tms.outcome == outcome
    assert item in summary.tms.met + summary.tms.unmet + summary.tms.missing
    assert summary.spravato.outcome == s.LIKELY_MET  # the label does not ask for psychotherapy


def test_psychotherapy_kind_outside_the_policy_list_is_for_review():
    tms = run(intake(psychotherapy_kind="support group"), tms="aetna_cpb_0469").tms
    assert tms.outcome == s.LIKELY_MET
    assert any("Psychotherapy kind: support group" in item for item in tms.needs_review)


@pytest.mark.parametrize("total, outcome", [(14, s.NOT_YET_MET), (15, s.LIKELY_MET)])
def test_phq9_clinic_setting_for_tms(total, outcome):
    assert run(intake(phq9=phq9_totalling(total))).tms.outcome == outcome


def test_phq9_not_answered_cannot_tell():
    summary = run(intake(phq9=None))
    assert "PHQ-9: not answered." in summary.tms.missing
    assert summary.tms.outcome == s.CANNOT_TELL
    assert summary.phq9 is None


def test_item9_marks_urgent_and_asks_for_same_day_review():
    summary = run(intake(phq9=[1] * 9))
    assert summary.urgent
    assert any("same-day" in item for item in summary.tms.needs_review)
    assert any("same-day" in item for item in summary.spravato.needs_review)
    assert any("acute suicidal ideation" in item for item in summary.spravato.needs_review)
    assert not any("acute suicidal ideation" in item for item in run().spravato.needs_review)


@pytest.mark.parametrize(
    "diagnosis, outcome, text",
    [
        (None, s.CANNOT_TELL, "Diagnosis: not answered."),
        ("not_sure", s.CANNOT_TELL, "not sure"),
        ("other", s.NOT_YET_MET, "other"),
        ("bipolar", s.NOT_YET_MET, "bipolar"),
    ],
)
def test_diagnosis_other_than_major_depression(diagnosis, outcome, text):
    summary = run(intake(diagnosis=diagnosis))
    for got in (summary.tms, summary.spravato):
        assert got.outcome == outcome
        assert any(text in item for item in got.unmet + got.missing)
    if diagnosis == "bipolar":
        assert "Bipolar disorder reported: needs clinician review." in summary.tms.needs_review


def test_plural_of_class_is_classes():
    summary = run(intake(trials=[]))
    assert any("0 classes among those trials" in item for item in summary.tms.unmet)
    assert "classs" not in json.dumps(summary.to_dict())


# --- Trials ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, dose, weeks, adequate, reason_has",
    [
        ("sertraline", 50, 6, True, "Adequate"),  # exactly the minimum dose and exactly 6 weeks
        ("sertraline", 50, 5.9, False, "5.9 weeks"),
        ("sertraline", 49, 6, False, "below the minimum of 50 mg"),
        ("sertraline", None, 8, None, "dose of sertraline not given"),
        ("sertraline", 100, None, None, "weeks not given"),
        ("sertraline", 20, None, False, "below the minimum"),  # a known shortfall beats a missing piece
        ("gepirone", 72.6, 8, None, "no verified minimum dose on file for gepirone"),
        ("protriptyline", 40, 8, None, "no verified minimum dose"),
        ("trimipramine", 150, 8, None, "no verified minimum dose"),
        ("aripiprazole", 2, 8, False, "below the minimum of 5 mg"),  # 2 mg is a starting dose
        ("brexpiprazole", 1, 8, False, "below the minimum of 2 mg"),
        ("paroxetine", 20, 8, True, "Adequate"),
        ("paroxetine controlled-release", 20, 8, False, "below the minimum of 25 mg"),
        ("liothyronine", 25, 8, None, "no verified minimum dose"),
        ("zuranolone", 50, 2, False, "fixed 14-day course"),
        ("zuranolone", 50, None, False, "fixed 14-day course"),
    ],
)
def test_trial_adequacy(key, dose, weeks, adequate, reason_has):
    got = s.assess_trial(trial(key, dose, weeks), CATALOG)
    assert got.adequate is adequate
    assert reason_has in got.reason


def test_liothyronine_is_in_micrograms():
    assert CATALOG["liothyronine"].dose_unit == "mcg"
    # With a minimum of 25 mcg on file, a patient typing 25 means 25 micrograms.
    row = {"generic": "liothyronine", "drug_class": "augmentation: thyroid", "dose_unit": "mcg"}
    catalog = s.catalog_from_rows(
        [{**row, "min_adequate_daily_dose": "25", "dose_source": "test", "augmentation": "yes"}]
    )
    got = s.assess_trial(trial("liothyronine", 25, 8), catalog)
    assert got.adequate is True and "25 mcg a day" in got.reason
    got = s.assess_trial(trial("liothyronine", 0.025, 8), catalog)
    assert got.adequate is False and "below the minimum of 25 mcg" in got.reason
    assert catalog["liothyronine"].min_adequate_daily_dose_mg == 0.025


def test_weeks_rule_names_its_source_and_is_a_setting():
    athf = s.ClinicSettings(min_weeks_adequate=4, weeks_source="ATHF-SF (4 weeks)")
    got = s.assess_trial(trial("sertraline", 50, 4), CATALOG, athf)
    assert got.adequate is True and "ATHF-SF" in got.reason
    got = s.assess_trial(trial("sertraline", 50, 4), CATALOG)
    assert got.adequate is False and "MGH-ATRQ" in got.reason


def test_zuranolone_never_passes_a_weeks_rule_but_intolerance_can_count():
    answers = intake(trials=[trial("zuranolone", 50, 2), trial("bupropion", 300, 8)])
    assert run(answers).spravato.outcome == s.NOT_YET_MET
    stopped = trial("zuranolone", 50, 1, stop_reason=s.StopReason.SIDE_EFFECTS)
    assert run(intake(trials=[stopped, trial("sertraline", 100, 8)])).tms.outcome == s.LIKELY_MET


def test_olanzapine_fluoxetine_is_also_a_fluoxetine_trial():
    symbyax = trial("olanzapine-fluoxetine", 12, 8, component_doses={"fluoxetine": 50})
    summary = run(intake(trials=[symbyax, trial("bupropion", 300, 8)]))
    assert summary.spravato.outcome == s.LIKELY_MET
    agents = {r.agent: r.counts for r in summary.spravato.trial_rows}
    assert agents == {"olanzapine-fluoxetine": False, "fluoxetine": True, "bupropion": True}
    assert set(summary.tms.counted_classes) == {"SSRI", "atypical"}


def test_a_combination_without_component_doses_cannot_tell_the_component():
    summary = run(intake(trials=[trial("olanzapine-fluoxetine", 12, 8), trial("bupropion", 300, 8)]))
    assert summary.spravato.outcome == s.CANNOT_TELL
    row = next(r for r in summary.spravato.trial_rows if r.agent == "fluoxetine")
    assert row.counts is None and "dose of fluoxetine not given" in row.why


def test_dextromethorphan_bupropion_carries_bupropion():
    auvelity = trial("dextromethorphan-bupropion", 90, 8, component_doses={"bupropion": 210})
    got = s.assess_trial(auvelity, CATALOG)
    assert [e.agent for e in got.exposures] == ["dextromethorphan-bupropion", "bupropion"]
    assert got.exposures[0].adequate is True
    assert got.exposures[1].adequate is False  # 210 mg is below bupropion's own minimum
    # a later bupropion trial is not a new agent
    summary = run(intake(trials=[auvelity, trial("bupropion", 300, 8)]))
    assert summary.spravato.counted_trials == 2  # the combination itself and bupropion


def test_unknown_medicine_cannot_tell():
    t = s.Trial(other_name="Herbal tonic", max_daily_dose=10, weeks_at_dose=8, response=s.Response.NONE)
    got = s.assess_trial(t, CATALOG)
    assert got.adequate is None
    assert "medicine not in the catalog: Herbal tonic" in got.reason
    summary = run(intake(trials=[trial("sertraline", 100, 8), t]))
    assert summary.spravato.outcome == s.CANNOT_TELL
    assert any("Herbal tonic" in item for item in summary.spravato.needs_review)


def test_older_dose_field_is_still_read():
    t = s.Trial(medication_key="sertraline", max_daily_dose_mg=50, weeks_at_dose=6, response=s.Response.NONE)
    assert s.assess_trial(t, CATALOG).adequate is True


# --- The older entry point and its settings -------------------------------------------------------


def test_summarize_uses_the_clinic_defaults():
    summary = s.summarize(intake(), CATALOG, today=TODAY)
    assert summary.tms.policy["id"] == "clinic_default_tms"
    assert summary.spravato.policy["id"] == "spravato_label_2025"
    assert summary.tms.likely_met


def test_thresholds_override_the_clinic_default_only():
    answers = intake(phq9=phq9_totalling(12))
    assert s.summarize(answers, CATALOG, today=TODAY).tms.outcome == s.NOT_YET_MET
    relaxed = s.Thresholds.from_mapping({"min_phq9_tms": 10})
    assert s.summarize(answers, CATALOG, relaxed, today=TODAY).tms.outcome == s.LIKELY_MET
    # a payer's policy keeps the payer's figures whatever the setting says
    got = s.summarize(intake(trials=[trial("sertraline", 100, 8)]), CATALOG, relaxed, tms_policy_id="aetna_cpb_0469")
    assert got.tms.outcome == s.NOT_YET_MET


def test_thresholds_without_psychotherapy_requirement():
    relaxed = s.Thresholds.from_mapping({"require_psychotherapy_tms": False})
    assert s.summarize(intake(psychotherapy_tried=False), CATALOG, relaxed, today=TODAY).tms.likely_met


def test_thresholds_weeks_setting_changes_adequacy():
    eight = s.Thresholds.from_mapping({"min_weeks_adequate": 8})
    assert s.assess_trial(trial("sertraline", 50, 6), CATALOG, eight).adequate is False


@pytest.mark.parametrize("mapping", [{"min_phq9": 10}, {"min_phq9_tms": 10, "typo": 1}])
def test_thresholds_reject_unknown_keys(mapping):
    with pytest.raises(ValueError, match="Unknown screening threshold"):
        s.Thresholds.from_mapping(mapping)


@pytest.mark.parametrize(
    "mapping",
    [
        {"min_phq9_tms": "15"},
        {"min_phq9_tms": -1},
        {"require_psychotherapy_tms": "yes"},
        {"min_classes_tms": True},
        {"min_failed_trials_spravato": 1},  # the label's figure
    ],
)
def test_thresholds_reject_bad_values(mapping):
    with pytest.raises(ValueError):
        s.Thresholds.from_mapping(mapping)


def test_thresholds_from_empty_mapping_are_defaults():
    assert s.Thresholds.from_mapping({}) == s.Thresholds() == s.Thresholds.from_mapping(None)


def test_screen_rejects_a_policy_for_the_wrong_treatment():
    with pytest.raises(ValueError):
        s.screen(
            answers=intake(),
            catalog=CATALOG,
            tms_policy=POLICIES["spravato_label_2025"],
            spravato_policy=POLICIES["spravato_label_2025"],
        )


# --- Serialisation -----------------------------------------------------------------------------


def test_to_dict_is_json_and_carries_outcomes_policy_and_trial_rows():
    summary = run(intake(trials=[*intake().trials, trial("esketamine", 84, 8)]))
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["disclaimer"] == s.DISCLAIMER
    assert "not a diagnosis" in data["disclaimer"]
    assert data["version"] == s.SUMMARY_VERSION == 2
    for name in ("tms", "spravato"):
        got = data[name]
        assert got["outcome"] == "likely_met" and got["likely_met"] is True
        assert got["outcome_label"] and got["reason"]
        assert {"met", "unmet", "missing", "needs_review", "contraindications", "trial_rows"} <= set(got)
        assert {"id", "title", "version", "citation", "url"} <= set(got["policy"])
    assert data["spravato"]["policy"]["version"] == "revised January 2025"
    rows = data["spravato"]["trial_rows"]
    assert [r["counts"] for r in rows] == [True, True, False]
    assert all(r["why"] for r in rows)
    assert data["phq9"]["band"] == "moderately_severe"
    assert data["thresholds"]["min_weeks_adequate"] == 6


def test_rule_modules_do_not_import_django():
    import booking.catalog
    import booking.policies
    import booking.safety_questions

    for module in (s, booking.catalog, booking.policies, booking.safety_questions):
        with open(module.__file__, encoding="utf-8") as fh:
            imports = [line for line in fh if line.lstrip().startswith(("import ", "from "))]
        assert not [line for line in imports if "django" in line], module.__name__
