"""The FAQ page's example questions, added once (an edited or deleted question is never put back
over the clinic's own words: only questions never loaded before are added). An example the clinic
has not touched, loaded before it had a Spanish version, is given its Spanish."""

from django.core.management.base import BaseCommand

from clinicsite.examples import QUESTIONS, SPANISH
from clinicsite.models import Question


class Command(BaseCommand):
    help = "Add the example questions for the FAQ page (idempotent; never overwrites)."

    def handle(self, *args, **options):
        if Question.objects.exists():
            given = 0
            for question, answer in QUESTIONS:
                question_es, answer_es = SPANISH[question]
                given += Question.objects.filter(
                    is_example=True, question=question, answer=answer, question_es="", answer_es=""
                ).update(question_es=question_es, answer_es=answer_es)
            self.stdout.write(
                "Site examples: the clinic has its own questions; nothing added"
                + (f", {given} unedited examples given their Spanish." if given else ".")
            )
            return
        for order, (question, answer) in enumerate(QUESTIONS, start=1):
            question_es, answer_es = SPANISH[question]
            Question.objects.create(
                question=question,
                answer=answer,
                question_es=question_es,
                answer_es=answer_es,
                order=order * 10,
                is_example=True,
            )
        self.stdout.write(f"Site examples: {len(QUESTIONS)} example questions added.")
