"""Tests for the screening rules. Plain pytest: no Django, no database."""

import csv
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking import screening as s

CATALOG = s.load_catalog()
DEFAULTS = s.Thresholds()

SAFE_ANSWERS = {
    "metal_in_head": False,
    "implanted_device": False,
    "seizure_history": False,
    "serious_head_injury": False,
    "aneurysm_or_avm": False,
    "brain_bleed_history": False,
    "high_blood_pressure": False,
    "pregnant_or_breastfeeding": False,
    "substance_use": False,
    "has_ride_home": True,
}


def trial(key, dose, weeks, response=s.Response.NONE, **kw):
    return s.Trial(medication_key=key, max_daily_dose_mg=dose, weeks_at_dose=weeks, response=response, **kw)


def phq9_totalling(total):
    """Nine valid answers adding up to total, with item 9 left at 0."""
    answers = [0] * 9
    for i in range(8):
        answers[i] = min(3, total - sum(answers))
    assert sum(answers) == total
    return answers


def intake(**overrides):
    """An intake that meets every typical TMS and SPRAVATO criterion and raises no safety flag."""
    base = {
        "diagnosis": "major_depression",
        "episode_months": 14,
        "trials": [trial("sertraline", 100, 8), trial("bupropion", 300, 8)],
        "psychotherapy_tried": True,
        "psychotherapy_weeks": 12,
        "prior_ect": False,
        "prior_tms": False,
        "prior_ketamine_or_esketamine": False,
        "phq9": phq9_totalling(18),
        "safety": dict(SAFE_ANSWERS),
    }
    base.update(overrides)
    return s.IntakeAnswers(**base)


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


# --- Trial adequacy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, dose, weeks, adequate, reason_has",
    [
        ("sertraline", 50, 6, True, "Adequate"),  # exactly the minimum dose and exactly 6 weeks
        ("sertraline", 50, 5.9, False, "5.9 weeks"),
        ("sertraline", 49, 6, False, "below the minimum of 50 mg"),
        ("sertraline", 200, 12, True, "Adequate"),
        ("sertraline", None, 8, None, "dose not given"),
        ("sertraline", 100, None, None, "weeks not given"),
        ("sertraline", 20, None, False, "below the minimum"),  # a known shortfall beats a missing piece
        ("gepirone", 72.6, 8, None, "no minimum dose on file for gepirone"),
        ("liothyronine", 0.025, 6, True, "Adequate"),
    ],
)
def test_trial_adequacy(key, dose, weeks, adequate, reason_has):
    result = s.assess_trial(trial(key, dose, weeks), CATALOG, DEFAULTS)
    assert result.adequate is adequate
    assert reason_has in result.reason


def test_unknown_medicine_cannot_tell():
    t = s.Trial(medication_key=None, other_name="Herbal tonic", max_daily_dose_mg=10, weeks_at_dose=8)
    result = s.assess_trial(t, CATALOG, DEFAULTS)
    assert result.adequate is None
    assert not result.counts_as_oral_antidepressant
    assert "medicine not in the catalog: Herbal tonic" in result.reason


@pytest.mark.parametrize(
    "response, failed",
    [(s.Response.NONE, True), (s.Response.LITTLE, True), (s.Response.A_LOT, False), (None, None)],
)
def test_trial_failed_follows_response(response, failed):
    assert s.assess_trial(trial("sertraline", 50, 6, response), CATALOG, DEFAULTS).failed is failed


@pytest.mark.parametrize(
    "key, reason_has",
    [
        ("aripiprazole", "Augmentation medicine"),
        ("lithium", "Augmentation medicine"),
        ("esketamine", "Not an oral antidepressant"),
        ("ketamine", "Not an oral antidepressant"),
    ],
)
def test_augmentation_and_esketamine_are_recorded_not_counted(key, reason_has):
    result = s.assess_trial(trial(key, 100, 8), CATALOG, DEFAULTS)
    assert not result.counts_as_oral_antidepressant
    assert reason_has in result.reason


def test_dextromethorphan_bupropion_is_an_oral_trial():
    assert s.assess_trial(trial("dextromethorphan-bupropion", 90, 6), CATALOG, DEFAULTS).counts_as_oral_antidepressant


# --- Criteria ----------------------------------------------------------------------------------


def _items(result):
    return " | ".join(result.met + result.unmet + result.needs_review)


def test_full_intake_looks_met_for_both():
    summary = s.summarize(intake(), CATALOG)
    assert summary.tms.likely_met, summary.tms.unmet
    assert summary.spravato.likely_met, summary.spravato.unmet
    assert summary.adequate_failed_trials == 2
    assert summary.failed_classes == ["SSRI", "atypical"]
    assert summary.safety_flags == []
    assert summary.tms.needs_review == summary.spravato.needs_review == []
    assert not summary.urgent


@pytest.mark.parametrize(
    "trials, n_trials, n_classes, tms_met, spravato_met",
    [
        # two failed trials of the same class: enough trials, not enough classes
        ([trial("sertraline", 50, 6), trial("fluoxetine", 20, 6)], 2, 1, False, True),
        ([trial("sertraline", 50, 6), trial("venlafaxine", 150, 6)], 2, 2, True, True),
        ([trial("sertraline", 50, 6), trial("venlafaxine", 75, 6)], 1, 1, False, False),
        # the same medicine twice is one agent
        ([trial("sertraline", 50, 6), trial("sertraline", 200, 10)], 1, 1, False, False),
        # a trial that helped a lot is not a failed trial
        ([trial("sertraline", 50, 6), trial("bupropion", 300, 8, s.Response.A_LOT)], 1, 1, False, False),
        # augmentation and esketamine do not count
        ([trial("sertraline", 50, 6), trial("aripiprazole", 5, 8)], 1, 1, False, False),
        ([trial("sertraline", 50, 6), trial("quetiapine", 300, 8)], 1, 1, False, False),
        ([trial("sertraline", 50, 6), trial("esketamine", 84, 8)], 1, 1, False, False),
        ([], 0, 0, False, False),
    ],
)
def test_trial_counts(trials, n_trials, n_classes, tms_met, spravato_met):
    summary = s.summarize(intake(trials=trials), CATALOG)
    assert summary.adequate_failed_trials == n_trials
    assert summary.distinct_classes == n_classes
    assert summary.tms.likely_met is tms_met
    assert summary.spravato.likely_met is spravato_met


def test_same_class_trials_leave_classes_criterion_unmet():
    summary = s.summarize(intake(trials=[trial("sertraline", 50, 6), trial("fluoxetine", 20, 6)]), CATALOG)
    assert any(item.startswith("Classes:") for item in summary.tms.unmet)
    assert any(item.startswith("Failed trials:") for item in summary.tms.met)


@pytest.mark.parametrize(
    "tried, expected",
    [(False, "Psychotherapy: not tried."), (None, "Psychotherapy: not answered.")],
)
def test_psychotherapy_missing_is_unmet(tried, expected):
    summary = s.summarize(intake(psychotherapy_tried=tried), CATALOG)
    assert not summary.tms.likely_met
    assert expected in summary.tms.unmet
    assert summary.spravato.likely_met  # SPRAVATO's label does not ask for psychotherapy


@pytest.mark.parametrize("total, likely", [(14, False), (15, True)])
def test_phq9_threshold_for_tms(total, likely):
    assert s.summarize(intake(phq9=phq9_totalling(total)), CATALOG).tms.likely_met is likely


def test_phq9_not_answered_is_unmet():
    summary = s.summarize(intake(phq9=None), CATALOG)
    assert "PHQ-9: not answered." in summary.tms.unmet
    assert summary.phq9 is None


def test_item9_marks_urgent():
    summary = s.summarize(intake(phq9=[1] * 9), CATALOG)
    assert summary.urgent
    assert summary.phq9.item9_positive


@pytest.mark.parametrize("key", s.TMS_SAFETY_KEYS)
def test_tms_safety_answers_need_review_never_exclude(key):
    summary = s.summarize(intake(safety={**SAFE_ANSWERS, key: True}), CATALOG)
    assert summary.tms.likely_met  # review items are shown but do not flip the result
    assert any(s.SAFETY_LABELS[key] in item and "clinician review" in item for item in summary.tms.needs_review)
    assert s.SAFETY_LABELS[key] in summary.safety_flags
    assert "exclu" not in json.dumps(summary.to_dict()).lower()


@pytest.mark.parametrize("key", [k for k in s.SPRAVATO_SAFETY_KEYS if k != "has_ride_home"])
def test_spravato_safety_answers_need_review_never_exclude(key):
    summary = s.summarize(intake(safety={**SAFE_ANSWERS, key: True}), CATALOG)
    assert summary.spravato.likely_met
    assert any(s.SAFETY_LABELS[key] in item for item in summary.spravato.needs_review)
    assert s.SAFETY_LABELS[key] in summary.safety_flags
    assert "exclu" not in json.dumps(summary.to_dict()).lower()


@pytest.mark.parametrize("key", ["aneurysm_or_avm", "brain_bleed_history"])
def test_label_contraindications_are_named_as_such(key):
    summary = s.summarize(intake(safety={**SAFE_ANSWERS, key: True}), CATALOG)
    assert any("label contraindication to confirm" in item for item in summary.spravato.needs_review)


def test_no_ride_home_is_flagged_and_a_ride_is_not():
    summary = s.summarize(intake(safety={**SAFE_ANSWERS, "has_ride_home": False}), CATALOG)
    assert summary.safety_flags == ["No ride home after treatment"]
    assert any("must not drive" in item for item in summary.spravato.needs_review)
    assert summary.spravato.likely_met
    assert s.summarize(intake(), CATALOG).safety_flags == []


def test_unanswered_safety_questions_say_not_answered():
    summary = s.summarize(intake(safety={}), CATALOG)
    for key in s.TMS_SAFETY_KEYS:
        assert f"{s.SAFETY_LABELS[key]}: not answered." in summary.tms.needs_review
    for key in s.SPRAVATO_SAFETY_KEYS:
        assert f"{s.SAFETY_LABELS[key]}: not answered." in summary.spravato.needs_review
    assert summary.safety_flags == []


@pytest.mark.parametrize(
    "diagnosis, unmet_has, review_has",
    [
        (None, "Diagnosis: not answered.", None),
        ("not_sure", "not sure", None),
        ("other", "other", None),
        ("bipolar", "bipolar", "Bipolar disorder reported: needs clinician review."),
    ],
)
def test_diagnosis_other_than_major_depression(diagnosis, unmet_has, review_has):
    summary = s.summarize(intake(diagnosis=diagnosis), CATALOG)
    for result in (summary.tms, summary.spravato):
        assert not result.likely_met
        assert any(unmet_has in item for item in result.unmet)
        if review_has:
            assert review_has in result.needs_review


def test_trials_that_cannot_be_assessed_are_listed_for_review():
    trials = [
        trial("sertraline", None, 8),
        s.Trial(other_name="Something else", max_daily_dose_mg=5, weeks_at_dose=8, response=s.Response.NONE),
        trial("bupropion", 300, 8),
    ]
    summary = s.summarize(intake(trials=trials), CATALOG)
    review = " | ".join(summary.tms.needs_review)
    assert "dose not given" in review
    assert "Something else: not in the catalog" in review
    assert summary.adequate_failed_trials == 1


def test_spravato_reason_names_the_current_episode():
    summary = s.summarize(intake(), CATALOG)
    assert "current episode" in _items(summary.spravato)


# --- Thresholds --------------------------------------------------------------------------------


def test_thresholds_from_mapping_changes_the_outcome():
    answers = intake(phq9=phq9_totalling(12))
    assert not s.summarize(answers, CATALOG).tms.likely_met
    relaxed = s.Thresholds.from_mapping({"min_phq9_tms": 10})
    assert s.summarize(answers, CATALOG, relaxed).tms.likely_met
    assert relaxed.min_failed_trials_tms == 2  # other defaults kept


def test_thresholds_without_psychotherapy_requirement():
    relaxed = s.Thresholds.from_mapping({"require_psychotherapy_tms": False})
    assert s.summarize(intake(psychotherapy_tried=False), CATALOG, relaxed).tms.likely_met


def test_thresholds_weeks_setting_changes_adequacy():
    eight = s.Thresholds.from_mapping({"min_weeks_adequate": 8})
    assert s.assess_trial(trial("sertraline", 50, 6), CATALOG, eight).adequate is False


@pytest.mark.parametrize(
    "mapping",
    [{"min_phq9": 10}, {"min_phq9_tms": 10, "typo": 1}],
)
def test_thresholds_reject_unknown_keys(mapping):
    with pytest.raises(ValueError, match="Unknown screening threshold"):
        s.Thresholds.from_mapping(mapping)


@pytest.mark.parametrize(
    "mapping",
    [{"min_phq9_tms": "15"}, {"min_phq9_tms": -1}, {"require_psychotherapy_tms": "yes"}, {"min_classes_tms": True}],
)
def test_thresholds_reject_bad_values(mapping):
    with pytest.raises(ValueError):
        s.Thresholds.from_mapping(mapping)


def test_thresholds_from_empty_mapping_are_defaults():
    assert s.Thresholds.from_mapping({}) == s.Thresholds() == s.Thresholds.from_mapping(None)


# --- Catalog -----------------------------------------------------------------------------------


def test_catalog_file_rows():
    with open(s.DEFAULT_CATALOG_PATH, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 35
    assert len(CATALOG) == len(rows)
    for row in rows:
        assert row["drug_class"] in s.DRUG_CLASSES, row
        assert row["dose_source"].strip(), row
        assert row["augmentation"] in ("yes", "no"), row
        assert row["brands"].strip(), row
        dose = row["min_adequate_daily_dose_mg"]
        assert dose == "" or float(dose) > 0, row
        # every augmentation class is marked as augmentation, and nothing else is
        assert (row["augmentation"] == "yes") == row["drug_class"].startswith("augmentation:"), row


def test_catalog_covers_each_class():
    assert {m.drug_class for m in CATALOG.values()} == set(s.DRUG_CLASSES)


@pytest.mark.parametrize(
    "name, generic",
    [
        ("Zoloft", "sertraline"),
        ("zoloft", "sertraline"),
        ("  ZOLOFT ", "sertraline"),
        ("Sertraline", "sertraline"),
        ("wellbutrin xl", "bupropion"),
        ("Spravato", "esketamine"),
        ("Auvelity", "dextromethorphan-bupropion"),
        ("Emsam", "selegiline transdermal"),
    ],
)
def test_find_medication_by_generic_or_brand(name, generic):
    assert s.find_medication(CATALOG, name).generic == generic


@pytest.mark.parametrize("name", ["", None, "not a medicine"])
def test_find_medication_misses(name):
    assert s.find_medication(CATALOG, name) is None


def test_catalog_from_rows_matches_file_and_validates():
    rows = [
        {
            "generic": m.generic,
            "brands": list(m.brands),
            "drug_class": m.drug_class,
            "min_adequate_daily_dose_mg": m.min_adequate_daily_dose_mg,
            "dose_source": m.dose_source,
            "augmentation": m.augmentation,
        }
        for m in CATALOG.values()
    ]
    assert s.catalog_from_rows(rows) == CATALOG
    good = {"generic": "x", "brands": "", "drug_class": "SSRI", "dose_source": "y", "augmentation": "no"}
    with pytest.raises(ValueError, match="unknown class"):
        s.catalog_from_rows([{**good, "drug_class": "vitamin"}])
    with pytest.raises(ValueError, match="positive"):
        s.catalog_from_rows([{**good, "min_adequate_daily_dose_mg": "0"}])
    with pytest.raises(ValueError, match="twice"):
        s.catalog_from_rows([good, {**good, "generic": "X"}])


# --- Serialisation -----------------------------------------------------------------------------


def test_to_dict_is_json_and_carries_the_disclaimer():
    summary = s.summarize(intake(trials=[*intake().trials, trial("esketamine", 84, 8)]), CATALOG)
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["disclaimer"] == s.DISCLAIMER
    assert "not a diagnosis" in data["disclaimer"]
    assert data["version"] == s.SUMMARY_VERSION
    assert data["tms"]["likely_met"] is True
    assert data["phq9"]["band"] == "moderately_severe"
    assert len(data["trials"]) == 3
    assert data["thresholds"]["min_phq9_tms"] == 15


def test_module_does_not_import_django():
    with open(s.__file__, encoding="utf-8") as fh:
        imports = [line for line in fh if line.lstrip().startswith(("import ", "from "))]
    assert not [line for line in imports if "django" in line]
