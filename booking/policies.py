"""Payer policies and label criteria as data: pure Python, no Django.

A policy is a named, versioned set of criteria for one treatment, with the source it was read
from. Every criterion says where its figure comes from: ``basis="policy"`` (stated by the
policy's source, with ``where`` saying how it was checked) or ``basis="clinic_setting"`` (the
clinic's own choice, never attributed to the payer). Policies live in booking/data/policies.json;
``policy_from_dict`` builds one from a dict, so the same data can later come from the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from booking.safety_questions import QUESTIONS_BY_KEY, TREATMENTS

DEFAULT_POLICIES_PATH = Path(__file__).resolve().parent / "data" / "policies.json"

BASES = ("policy", "clinic_setting")
# How a "policy" criterion was checked: against the issuer's own text, or only a summary of it.
STATUSES = ("verified", "secondary_summary", "to_verify")

# criterion key -> the Python type(s) its value must have
CRITERIA = {
    "diagnosis": str,  # "major_depression"
    "min_age": int,
    "max_age": int,
    "min_failed_trials": int,
    "min_classes": int,
    "intolerance_counts": bool,  # a trial stopped for side effects counts as a failed trial
    "current_episode_only": bool,  # only trials of the current episode count
    "psychotherapy_required": bool,
    "psychotherapy_min_weeks": int,
    "min_phq9": int,
}


@dataclass(frozen=True)
class Source:
    issuer: str
    policy_id: str
    title: str
    version: str  # revision, effective date or label date
    url: str
    is_payer: bool  # False for the clinic's own default and for a product label


@dataclass(frozen=True)
class Criterion:
    key: str
    value: Any
    basis: str  # "policy" or "clinic_setting"
    where: str  # where the policy states it, or why the clinic chose it
    status: str = "verified"  # for basis "policy": how it was checked (STATUSES)

    @property
    def citation(self) -> str:
        if self.basis == "clinic_setting":
            return f"Clinic setting: {self.where}"
        return self.where


@dataclass(frozen=True)
class Exclusion:
    """A safety-question key whose raised answer the policy lists as a reason not to cover."""

    key: str
    where: str
    status: str = "verified"


@dataclass(frozen=True)
class Policy:
    id: str
    treatment: str
    source: Source
    criteria: Mapping[str, Criterion]
    exclusions: tuple[Exclusion, ...] = ()
    notes: str = ""
    # Accepted psychotherapy kinds, matched loosely against the patient's free text; empty: any.
    psychotherapy_kinds: tuple[str, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        criterion = self.criteria.get(key)
        return criterion.value if criterion is not None else default

    def describe(self) -> dict[str, Any]:
        """JSON-ready identification of the policy, stored with each outcome."""
        return {
            "id": self.id,
            "title": self.source.title,
            "issuer": self.source.issuer,
            "policy_id": self.source.policy_id,
            "version": self.source.version,
            "url": self.source.url,
            "is_payer": self.source.is_payer,
            "citation": f"{self.source.issuer}. {self.source.title} ({self.source.policy_id}), "
            f"{self.source.version}. {self.source.url}",
        }

    def to_dict(self) -> dict[str, Any]:
        """The dict policy_from_dict reads back (for an admin or a database row)."""
        return {
            "id": self.id,
            "treatment": self.treatment,
            "source": asdict(self.source),
            "criteria": {
                k: {"value": c.value, "basis": c.basis, "where": c.where, "status": c.status}
                for k, c in self.criteria.items()
            },
            "exclusions": [asdict(e) for e in self.exclusions],
            "psychotherapy_kinds": list(self.psychotherapy_kinds),
            "notes": self.notes,
        }

    def with_overrides(self, overrides: Mapping[str, Any], *, why: str) -> Policy:
        """A copy with some criteria set by the clinic. Only the clinic's own default may change:
        changing a payer's or a label's figure would attribute the clinic's number to them."""
        if not overrides:
            return self
        if self.source.is_payer or any(c.basis == "policy" for k, c in self.criteria.items() if k in overrides):
            raise ValueError(f"Policy {self.id}: only clinic settings can be overridden.")
        data = self.to_dict()
        for key, value in overrides.items():
            data["criteria"][key] = {"value": value, "basis": "clinic_setting", "where": why, "status": "verified"}
        return policy_from_dict(data)


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise ValueError(f"{where}: {key} is required.")
    return data[key]


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Build and validate one policy. Raises ValueError naming the first problem."""
    pid = str(_require(data, "id", "Policy"))
    where = f"Policy {pid}"
    treatment = _require(data, "treatment", where)
    if treatment not in TREATMENTS:
        raise ValueError(f"{where}: treatment must be one of {', '.join(TREATMENTS)}.")
    src = _require(data, "source", where)
    source = Source(
        issuer=str(_require(src, "issuer", where)),
        policy_id=str(_require(src, "policy_id", where)),
        title=str(_require(src, "title", where)),
        version=str(_require(src, "version", where)),
        url=str(src.get("url") or ""),
        is_payer=bool(src.get("is_payer", False)),
    )
    if source.is_payer and not source.url.startswith("https://"):
        raise ValueError(f"{where}: a payer policy needs a link to its source.")
    criteria: dict[str, Criterion] = {}
    for key, raw in dict(_require(data, "criteria", where)).items():
        if key not in CRITERIA:
            raise ValueError(f"{where}: unknown criterion {key!r}. Allowed: {', '.join(CRITERIA)}.")
        value = raw.get("value")
        expected = CRITERIA[key]
        if isinstance(value, bool) is not (expected is bool) or not isinstance(value, expected):
            raise ValueError(f"{where}: criterion {key} must be {expected.__name__}, not {value!r}.")
        if expected is int and value < 0:
            raise ValueError(f"{where}: criterion {key} must be 0 or more.")
        basis = raw.get("basis")
        if basis not in BASES:
            raise ValueError(f"{where}: criterion {key} needs basis 'policy' or 'clinic_setting'.")
        status = raw.get("status", "verified")
        if status not in STATUSES:
            raise ValueError(f"{where}: criterion {key} has unknown status {status!r}.")
        if not str(raw.get("where") or "").strip():
            raise ValueError(f"{where}: criterion {key} needs a citation ('where').")
        if basis == "policy" and not source.is_payer and source.issuer.lower().startswith("clinic"):
            raise ValueError(f"{where}: the clinic's own policy can only hold clinic settings ({key}).")
        criteria[key] = Criterion(key=key, value=value, basis=basis, where=str(raw["where"]).strip(), status=status)
    if "diagnosis" not in criteria:
        raise ValueError(f"{where}: a diagnosis criterion is required.")
    exclusions = []
    for raw in data.get("exclusions") or ():
        key = _require(raw, "key", where)
        if key not in QUESTIONS_BY_KEY:
            raise ValueError(f"{where}: exclusion {key!r} is not a safety question key.")
        status = raw.get("status", "verified")
        if status not in STATUSES:
            raise ValueError(f"{where}: exclusion {key} has unknown status {status!r}.")
        exclusions.append(Exclusion(key=key, where=str(_require(raw, "where", where)), status=status))
    return Policy(
        id=pid,
        treatment=treatment,
        source=source,
        criteria=criteria,
        exclusions=tuple(exclusions),
        notes=str(data.get("notes") or ""),
        psychotherapy_kinds=tuple(str(k) for k in data.get("psychotherapy_kinds") or ()),
    )


def policies_from_list(items: list[Mapping[str, Any]]) -> dict[str, Policy]:
    policies: dict[str, Policy] = {}
    for item in items:
        policy = policy_from_dict(item)
        if policy.id in policies:
            raise ValueError(f"Policy {policy.id} is listed twice.")
        policies[policy.id] = policy
    return policies


def load_policies(path: str | Path = DEFAULT_POLICIES_PATH) -> dict[str, Policy]:
    """Read and validate every policy in the file, keyed by id."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return policies_from_list(data["policies"])


# The clinic's defaults when a request names no payer policy.
DEFAULT_POLICY_IDS = {"tms": "clinic_default_tms", "spravato": "spravato_label_2025"}
