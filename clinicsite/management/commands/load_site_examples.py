"""The FAQ page's example questions, added once (an edited or deleted question is never put back
over the clinic's own words: only questions never loaded before are added)."""

from django.core.management.base import BaseCommand

from clinicsite.examples import QUESTIONS
from clinicsite.models import Question


class Command(BaseCommand):
    help = "Add the example questions for the FAQ page (idempotent; never overwrites)."

    def handle(self, *args, **options):
        if Question.objects.exists():
            self.stdout.write("Site examples: the clinic has its own questions; nothing added.")
            return
        for order, (question, answer) in enumerate(QUESTIONS, start=1):
            Question.objects.create(question=question, answer=answer, order=order * 10, is_example=True)
        self.stdout.write(f"Site examples: {len(QUESTIONS)} example questions added.")
