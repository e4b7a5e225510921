"""Medication catalog: pure Python, no Django.

Each row of booking/data/medications.csv carries the unit its dose is in and the source the
number was taken from. A blank dose means no figure was verified in a source: a trial of that
medicine is then "cannot tell" for adequacy, never guessed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "medications.csv"

# Short, human-readable class names used in the catalog file and in the admin.
DRUG_CLASSES = (
    "SSRI",
    "SNRI",
    "atypical",
    "serotonin modulator",
    "tricyclic",
    "MAOI",
    "NMDA antagonist",
    "augmentation: antipsychotic",
    "augmentation: lithium",
    "augmentation: thyroid",
    "augmentation: other",
)

DOSE_UNITS = ("mg", "mcg")

# Esketamine and ketamine are given in a clinic (nasal spray, infusion), so they are not oral
# antidepressant trials. Dextromethorphan-bupropion shares their class but is an oral tablet.
NOT_ORAL_ANTIDEPRESSANTS = frozenset({"esketamine", "ketamine"})

CATALOG_FIELDS = (
    "generic",
    "brands",
    "drug_class",
    "min_adequate_daily_dose",
    "dose_unit",
    "dose_source",
    "augmentation",
    "components",
    "fixed_course_days",
)


@dataclass(frozen=True)
class Medication:
    generic: str
    brands: tuple[str, ...]
    drug_class: str
    # None when no figure was verified in a source: adequacy is then "cannot tell".
    min_adequate_daily_dose: float | None
    dose_unit: str
    dose_source: str
    augmentation: bool
    # Generic keys of the antidepressants a combination product contains (each is also a trial of it).
    components: tuple[str, ...] = ()
    # A product given as a fixed course (zuranolone: 14 days) can never meet a weeks rule.
    fixed_course_days: int | None = None

    @property
    def key(self) -> str:
        return self.generic.strip().lower()

    @property
    def counts_as_oral_antidepressant(self) -> bool:
        return not self.augmentation and self.key not in NOT_ORAL_ANTIDEPRESSANTS

    @property
    def min_adequate_daily_dose_mg(self) -> float | None:
        """The minimum in milligrams, for storage that predates dose_unit (25 mcg is 0.025 mg)."""
        if self.min_adequate_daily_dose is None:
            return None
        return self.min_adequate_daily_dose / 1000 if self.dose_unit == "mcg" else self.min_adequate_daily_dose


def _split(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(";")
    return tuple(str(b).strip() for b in value if b and str(b).strip())


def _parse_number(value: Any, generic: str, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Catalog: {what} for {generic} is not a number: {value!r}.") from None
    if number <= 0:
        raise ValueError(f"Catalog: {what} for {generic} must be positive or blank, not {value!r}.")
    return number


def _parse_yes_no(value: Any, generic: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0", ""):
        return False
    raise ValueError(f"Catalog: augmentation for {generic} must be yes or no, not {value!r}.")


def catalog_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Medication]:
    """Build a catalog from rows with the CSV's fields (file rows or database rows as dicts).

    A row without ``dose_unit`` is read the older way (``min_adequate_daily_dose_mg``, in
    milligrams), so rows stored before dose_unit existed still load.
    """
    catalog: dict[str, Medication] = {}
    for row in rows:
        generic = str(row.get("generic") or "").strip()
        if not generic:
            raise ValueError("Catalog: a row has no generic name.")
        drug_class = str(row.get("drug_class") or "").strip()
        if drug_class not in DRUG_CLASSES:
            raise ValueError(f"Catalog: unknown class {drug_class!r} for {generic}.")
        if "dose_unit" in row:
            dose = _parse_number(row.get("min_adequate_daily_dose"), generic, "dose")
            unit = str(row.get("dose_unit") or "").strip()
        else:
            dose = _parse_number(row.get("min_adequate_daily_dose_mg"), generic, "dose")
            unit = "mg"
        if unit not in DOSE_UNITS:
            raise ValueError(f"Catalog: dose unit for {generic} must be one of {', '.join(DOSE_UNITS)}, not {unit!r}.")
        days = _parse_number(row.get("fixed_course_days"), generic, "fixed course days")
        med = Medication(
            generic=generic,
            brands=_split(row.get("brands")),
            drug_class=drug_class,
            min_adequate_daily_dose=dose,
            dose_unit=unit,
            dose_source=str(row.get("dose_source") or "").strip(),
            augmentation=_parse_yes_no(row.get("augmentation"), generic),
            components=tuple(c.lower() for c in _split(row.get("components"))),
            fixed_course_days=int(days) if days is not None else None,
        )
        if med.key in catalog:
            raise ValueError(f"Catalog: {generic} is listed twice.")
        catalog[med.key] = med
    for med in catalog.values():
        unknown = [c for c in med.components if c not in catalog]
        if unknown:
            raise ValueError(f"Catalog: {med.generic} lists unknown component(s): {', '.join(unknown)}.")
    return catalog


def load_catalog(path: str | Path = DEFAULT_CATALOG_PATH) -> dict[str, Medication]:
    """Read the catalog file, keyed by lowercase generic name."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != CATALOG_FIELDS:
            raise ValueError(f"Catalog {path}: expected columns {', '.join(CATALOG_FIELDS)}.")
        return catalog_from_rows(reader)


def find_medication(catalog: Mapping[str, Medication], name: str | None) -> Medication | None:
    """Find by generic or brand name, ignoring case and surrounding spaces."""
    wanted = (name or "").strip().lower()
    if not wanted:
        return None
    if wanted in catalog:
        return catalog[wanted]
    for med in catalog.values():
        if any(brand.lower() == wanted for brand in med.brands):
            return med
    return None
