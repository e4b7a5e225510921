"""Fill the catalog's new fields for medicines already in the database, and mark every stored
screening summary outdated so that the next start (load_initial_content runs
recompute_screenings) recomputes each one once under the new rules and inputs."""

from decimal import Decimal

from django.db import migrations

from booking.catalog import load_catalog


def fill_catalog_fields(apps, schema_editor):
    Medication = apps.get_model("booking", "Medication")
    shipped = load_catalog()
    for medication in Medication.objects.all():
        med = shipped.get(medication.generic.strip().lower())
        if med is None:
            continue
        if med.dose_unit != "mg" and medication.min_adequate_daily_dose is not None:
            # Stored in mg before units existed; the catalog's unit now (1 mg is 1000 mcg).
            medication.min_adequate_daily_dose = medication.min_adequate_daily_dose * Decimal(1000)
        medication.dose_unit = med.dose_unit
        medication.components = medication.components or ";".join(med.components)
        if medication.fixed_course_days is None:
            medication.fixed_course_days = med.fixed_course_days
        medication.save(update_fields=["min_adequate_daily_dose", "dose_unit", "components", "fixed_course_days"])


def mark_summaries_outdated(apps, schema_editor):
    apps.get_model("booking", "Intake").objects.update(screening_version=None)


class Migration(migrations.Migration):
    dependencies = [("booking", "0008_screening_outcomes_policies_clearances")]

    operations = [
        migrations.RunPython(fill_catalog_fields, migrations.RunPython.noop),
        migrations.RunPython(mark_summaries_outdated, migrations.RunPython.noop),
    ]
