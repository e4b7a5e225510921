"""The medication catalog file: every row has a source and a unit. Plain pytest, no database."""

import csv

import pytest

from booking import catalog as c

CATALOG = c.load_catalog()

with open(c.DEFAULT_CATALOG_PATH, newline="", encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))


def test_catalog_file_columns_and_size():
    assert tuple(ROWS[0]) == c.CATALOG_FIELDS
    assert len(ROWS) >= 40
    assert len(CATALOG) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["generic"])
def test_every_row_has_a_source_and_a_unit(row):
    assert row["dose_source"].strip(), row
    assert len(row["dose_source"]) <= 200, row  # the admin stores it in 200 characters
    assert row["dose_unit"] in c.DOSE_UNITS, row
    assert row["drug_class"] in c.DRUG_CLASSES, row
    assert row["augmentation"] in ("yes", "no"), row
    assert row["brands"].strip(), row
    assert (row["augmentation"] == "yes") == row["drug_class"].startswith("augmentation:"), row
    dose = row["min_adequate_daily_dose"]
    if dose:
        assert float(dose) > 0
        # a number comes from the source the row names; an unverified one is left blank
        assert row["dose_source"].startswith("FDA label:"), row
    else:
        assert "no" in row["dose_source"].lower() or "not" in row["dose_source"].lower(), row
    # no row claims an instrument's figure: none was checked against ATHF-SF or MGH-ATRQ tables
    assert "ATHF-SF (Sackeim 2019)" not in row["dose_source"], row


@pytest.mark.parametrize(
    "generic, dose, unit",
    [
        ("aripiprazole", 5, "mg"),
        ("brexpiprazole", 2, "mg"),
        ("paroxetine", 20, "mg"),
        ("paroxetine controlled-release", 25, "mg"),
        ("protriptyline", None, "mg"),
        ("trimipramine", None, "mg"),
        ("liothyronine", None, "mcg"),
    ],
)
def test_fixed_rows(generic, dose, unit):
    med = CATALOG[generic]
    assert (med.min_adequate_daily_dose, med.dose_unit) == (dose, unit)


def test_combination_products_name_their_components():
    assert CATALOG["olanzapine-fluoxetine"].components == ("fluoxetine",)
    assert CATALOG["dextromethorphan-bupropion"].components == ("bupropion",)
    assert CATALOG["zuranolone"].fixed_course_days == 14


def test_catalog_covers_each_class():
    assert {m.drug_class for m in CATALOG.values()} <= set(c.DRUG_CLASSES)
    assert len({m.drug_class for m in CATALOG.values()}) == len(c.DRUG_CLASSES)


@pytest.mark.parametrize(
    "name, generic",
    [
        ("Zoloft", "sertraline"),
        ("  ZOLOFT ", "sertraline"),
        ("Sertraline", "sertraline"),
        ("wellbutrin xl", "bupropion"),
        ("Paxil CR", "paroxetine controlled-release"),
        ("Paxil", "paroxetine"),
        ("Spravato", "esketamine"),
        ("Auvelity", "dextromethorphan-bupropion"),
        ("Emsam", "selegiline transdermal"),
    ],
)
def test_find_medication_by_generic_or_brand(name, generic):
    assert c.find_medication(CATALOG, name).generic == generic


@pytest.mark.parametrize("name", ["", None, "not a medicine"])
def test_find_medication_misses(name):
    assert c.find_medication(CATALOG, name) is None


GOOD = {"generic": "x", "brands": "", "drug_class": "SSRI", "dose_unit": "mg", "dose_source": "y", "augmentation": "no"}


def test_catalog_from_rows_matches_file_and_validates():
    rows = [
        {
            "generic": m.generic,
            "brands": list(m.brands),
            "drug_class": m.drug_class,
            "min_adequate_daily_dose": m.min_adequate_daily_dose,
            "dose_unit": m.dose_unit,
            "dose_source": m.dose_source,
            "augmentation": m.augmentation,
            "components": list(m.components),
            "fixed_course_days": m.fixed_course_days,
        }
        for m in CATALOG.values()
    ]
    assert c.catalog_from_rows(rows) == CATALOG


@pytest.mark.parametrize(
    "row, message",
    [
        ({**GOOD, "drug_class": "vitamin"}, "unknown class"),
        ({**GOOD, "min_adequate_daily_dose": "0"}, "positive"),
        ({**GOOD, "dose_unit": "g"}, "dose unit"),
        ({**GOOD, "dose_unit": ""}, "dose unit"),
        ({**GOOD, "components": "nothing"}, "unknown component"),
    ],
)
def test_catalog_from_rows_rejects(row, message):
    with pytest.raises(ValueError, match=message):
        c.catalog_from_rows([row])


def test_duplicate_rows_are_rejected():
    with pytest.raises(ValueError, match="twice"):
        c.catalog_from_rows([GOOD, {**GOOD, "generic": "X"}])


def test_rows_stored_before_dose_unit_are_read_in_mg():
    old = {k: v for k, v in GOOD.items() if k != "dose_unit"} | {"min_adequate_daily_dose_mg": "50"}
    med = c.catalog_from_rows([old])["x"]
    assert (med.min_adequate_daily_dose, med.dose_unit, med.min_adequate_daily_dose_mg) == (50, "mg", 50)
