"""Policies as data: every criterion cited or marked as the clinic's own. Plain pytest, no database."""

import copy
import json

import pytest

from booking import policies as p
from booking.safety_questions import KINDS, QUESTIONS_BY_KEY, SAFETY_QUESTIONS, TREATMENTS

POLICIES = p.load_policies()


def test_shipped_policies():
    assert set(POLICIES) == {
        "clinic_default_tms",
        "cms_lcd_l34998",
        "cms_lcd_l34522",
        "cms_lcd_l37086",
        "aetna_cpb_0469",
        "spravato_label_2025",
    }
    assert {p.DEFAULT_POLICY_IDS[t] for t in TREATMENTS} <= set(POLICIES)


@pytest.mark.parametrize("policy", POLICIES.values(), ids=lambda x: x.id)
def test_every_criterion_is_cited_or_a_clinic_setting(policy):
    for key, criterion in policy.criteria.items():
        assert criterion.basis in p.BASES, key
        assert criterion.where.strip(), key
        if criterion.basis == "policy":
            assert (
                policy.source.is_payer
                or "label" in policy.source.issuer.lower()
                or "prescribing" in (policy.source.title.lower())
            ), key
            assert criterion.status in p.STATUSES
        else:
            assert criterion.citation.startswith("Clinic setting:")
    for exclusion in policy.exclusions:
        assert exclusion.where.strip() and exclusion.key in QUESTIONS_BY_KEY


@pytest.mark.parametrize("policy", POLICIES.values(), ids=lambda x: x.id)
def test_every_policy_names_its_source(policy):
    src = policy.source
    assert src.issuer and src.policy_id and src.title and src.version
    if src.is_payer:
        assert src.url.startswith("https://")
    described = policy.describe()
    assert src.policy_id in described["citation"] and src.version in described["citation"]


def test_the_clinic_default_is_labelled_as_the_clinics_not_a_payers():
    policy = POLICIES["clinic_default_tms"]
    assert not policy.source.is_payer
    assert "not a payer" in policy.source.issuer
    assert all(c.basis == "clinic_setting" for c in policy.criteria.values())


def test_no_phq9_cut_off_is_attributed_to_a_payer():
    for policy in POLICIES.values():
        if "min_phq9" in policy.criteria:
            assert policy.criteria["min_phq9"].basis == "clinic_setting", policy.id


def test_l34641_is_not_shipped_unverified():
    # Its title was checked (CMS: "Transcranial Magnetic Stimulation (TMS)"), its criteria were not.
    assert not any(policy.source.policy_id == "L34641" for policy in POLICIES.values())


def test_titles_as_found_at_cms():
    assert POLICIES["cms_lcd_l37086"].source.title == "Transcranial Magnetic Stimulation (TMS)"
    for pid in ("cms_lcd_l34522", "cms_lcd_l34998"):
        assert POLICIES[pid].source.title == (
            "Transcranial Magnetic Stimulation (TMS) in the Treatment of Adults with Major Depressive Disorder"
        )


def test_spravato_label_does_not_require_a_concurrent_oral_antidepressant():
    label = POLICIES["spravato_label_2025"]
    assert label.source.version == "revised January 2025"
    assert label.get("current_episode_only") is True
    assert label.get("min_failed_trials") == 2
    assert "concurrent" not in json.dumps(label.to_dict()["criteria"])


def test_round_trip_through_a_dict():
    for policy in POLICIES.values():
        assert p.policy_from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


def _base():
    return copy.deepcopy(POLICIES["cms_lcd_l34522"].to_dict())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["criteria"].update({"min_weeks": {"value": 1, "basis": "policy", "where": "x"}}), "unknown"),
        (lambda d: d["criteria"]["min_age"].update({"value": "18"}), "must be int"),
        (lambda d: d["criteria"]["min_age"].update({"value": True}), "must be int"),
        (lambda d: d["criteria"]["intolerance_counts"].update({"value": 1}), "must be bool"),
        (lambda d: d["criteria"]["min_age"].update({"where": " "}), "citation"),
        (lambda d: d["criteria"]["min_age"].update({"basis": "payer"}), "basis"),
        (lambda d: d["criteria"]["min_age"].update({"status": "probably"}), "status"),
        (lambda d: d["criteria"].pop("diagnosis"), "diagnosis"),
        (lambda d: d["exclusions"].append({"key": "red_hair", "where": "x"}), "not a safety question"),
        (lambda d: d["source"].update({"url": ""}), "link"),
        (lambda d: d.update({"treatment": "ect"}), "treatment"),
        (lambda d: d["source"].pop("version"), "version"),
    ],
)
def test_policy_from_dict_validates(change, message):
    data = _base()
    change(data)
    with pytest.raises(ValueError, match=message):
        p.policy_from_dict(data)


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="twice"):
        p.policies_from_list([_base(), _base()])


def test_only_clinic_settings_can_be_overridden():
    with pytest.raises(ValueError):
        POLICIES["aetna_cpb_0469"].with_overrides({"min_phq9": 10}, why="x")
    changed = POLICIES["clinic_default_tms"].with_overrides({"min_phq9": 10}, why="SCREENING_THRESHOLDS setting")
    assert changed.get("min_phq9") == 10
    assert changed.criteria["min_phq9"].where == "SCREENING_THRESHOLDS setting"


# --- Safety questions ---------------------------------------------------------------------------


def test_safety_questions_table():
    keys = [q.key for q in SAFETY_QUESTIONS]
    assert len(keys) == len(set(keys))
    for q in SAFETY_QUESTIONS:
        assert q.kind in KINDS and set(q.treatments) <= set(TREATMENTS)
        assert "?" in q.question and q.label and q.why and q.source


def test_existing_keys_are_kept_so_stored_answers_stay_valid():
    existing = {
        "metal_in_head",
        "implanted_device",
        "seizure_history",
        "serious_head_injury",
        "aneurysm_or_avm",
        "brain_bleed_history",
        "high_blood_pressure",
        "pregnant_or_breastfeeding",
        "substance_use",
        "has_ride_home",
    }
    assert existing <= set(QUESTIONS_BY_KEY)


def test_question_texts_match_the_current_form():
    # The texts the intake form showed before it was built from this table; stored answers keep their meaning.
    assert QUESTIONS_BY_KEY["brain_bleed_history"].question == "Have you ever had bleeding in the brain?"
    assert QUESTIONS_BY_KEY["has_ride_home"].question == "Could someone drive you home after a treatment visit?"


@pytest.mark.parametrize(
    "key, kind",
    [
        ("metal_in_head", "contraindication"),
        ("aneurysm_or_avm", "contraindication"),
        ("brain_bleed_history", "contraindication"),
        ("esketamine_or_ketamine_allergy", "contraindication"),
        ("high_blood_pressure", "clinician_review"),
        ("heart_or_brain_vessel_disease", "clinician_review"),
        ("psychotic_symptoms", "clinician_review"),
        ("substance_use", "clinician_review"),
        ("pregnant_or_breastfeeding", "clinician_review"),
        ("seizure_history", "clinician_review"),
    ],
)
def test_question_kinds(key, kind):
    assert QUESTIONS_BY_KEY[key].kind == kind
