"""The PHQ-9 as shown to the patient, in each language it is published in.

A validated questionnaire is only ever shown in a published wording, so these texts live here,
verbatim, and never in the translation catalog (where a translator could reword them). Scoring
does not depend on the language: every version has the same nine items and the same 0-3 answers
(booking/screening.py scores them).

A language without a published version here falls back to the English version, marked
``lang="en"`` on the page with a note saying why.
"""

from dataclasses import dataclass

from booking import screening


@dataclass(frozen=True)
class Phq9Version:
    language: str
    name: str  # for staff: which version the patient answered
    stem: str
    items: tuple[str, ...]
    choices: tuple[tuple[int, str], ...]  # (score, answer) in score order
    source: str  # shown under the questions


ENGLISH = Phq9Version(
    language="en",
    name="English (original)",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=screening.PHQ9_ITEMS,
    choices=screening.PHQ9_CHOICES,
    source="Questions from the Patient Health Questionnaire (PHQ-9; Kroenke, Spitzer & Williams, 2001).",
)

# The official Spanish version for the USA, by the instrument's authors: Pfizer Inc.,
# "Cuestionario sobre la salud del paciente-9 (PHQ-9)", Spanish for the USA (the form itself is
# undated), developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues
# with an educational grant from Pfizer Inc.; the authors distribute their translations at
# https://www.phqscreeners.com/. The wording below was checked word for word against a copy of
# that form (https://es.studenta.com/content/129686767/patient-health-questionnaire-9-spanish,
# "PatientHealthQuestionnaire9_Spanish", with the authors' credit line) and against two further
# independent reproductions of it; all three agree on the stem, the nine items and the answers.
# booking/tests/fixtures/phq9_es_published.txt holds the same text as a fixture for the tests.
SPANISH = Phq9Version(
    language="es",
    name="Spanish (official version for the USA)",
    stem="Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?",
    items=(
        "Poco interés o placer en hacer cosas",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
        "Se ha sentido cansado(a) o con poca energía",
        "Sin apetito o ha comido en exceso",
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o con "
        "su familia",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la "
        "televisión",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy "
        "inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    ),
    choices=(
        (0, "Ningún día"),
        (1, "Varios días"),
        (2, "Más de la mitad de los días"),
        (3, "Casi todos los días"),
    ),
    source="Preguntas del Cuestionario sobre la salud del paciente-9 (PHQ-9), versión oficial en español para "
    "los Estados Unidos. Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke y colegas, "
    "mediante una subvención educativa otorgada por Pfizer Inc. (https://www.phqscreeners.com/).",
)

VERSIONS = {version.language: version for version in (ENGLISH, SPANISH)}


def phq9_version(language: str | None) -> Phq9Version:
    """The published version for a page's language ("es", "es-us"...), English when there is none."""
    base = (language or "en").split("-")[0].lower()
    return VERSIONS.get(base, ENGLISH)
