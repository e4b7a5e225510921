"""Load the medication catalog shipped in booking/data/medications.csv.

Adds the medicines that are missing and leaves existing ones alone, so doses or
names that staff corrected in the admin are never overwritten.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from booking import screening
from booking.models import Medication


class Command(BaseCommand):
    help = "Add missing medicines from the catalog file (idempotent; keeps staff edits)."

    def handle(self, *args, **options):
        catalog = screening.load_catalog()
        existing = {generic.lower() for generic in Medication.objects.values_list("generic", flat=True)}
        with transaction.atomic():
            added = [
                Medication.objects.create(
                    generic=med.generic,
                    brands=";".join(med.brands),
                    drug_class=med.drug_class,
                    min_adequate_daily_dose=med.min_adequate_daily_dose,
                    dose_unit=med.dose_unit,
                    dose_source=med.dose_source,
                    augmentation=med.augmentation,
                    components=";".join(med.components),
                    fixed_course_days=med.fixed_course_days,
                )
                for key, med in catalog.items()
                if key not in existing
            ]
        self.stdout.write(f"Medication catalog: {len(added)} added, {len(existing)} already present.")
