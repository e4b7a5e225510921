"""The safety questions of the intake, as one table: pure Python, no Django.

Each question says which treatment it belongs to, what the patient reads, which answer raises
it, and what a raised answer means:

- ``contraindication``: the treatment's label or the clinic's screening lists it as a reason
  not to give the treatment. The outcome is "contraindication" until a clinician clears it.
- ``exclusion``: only a payer policy lists it; the policy names it in its ``exclusions``.
- ``clinician_review``: a warning or a precaution. Shown to staff; it does not change the
  outcome by itself. A policy may still list the key as an exclusion of its own.

Keys are stored with the intake's answers; keep existing keys so stored answers stay valid.
Answers are ``True`` (yes), ``False`` (no), ``"not_sure"``, or ``None`` / absent (not answered).
"""

from __future__ import annotations

from dataclasses import dataclass

TMS = "tms"
SPRAVATO = "spravato"
TREATMENTS = (TMS, SPRAVATO)

CONTRAINDICATION = "contraindication"
EXCLUSION = "exclusion"
CLINICIAN_REVIEW = "clinician_review"
KINDS = (CONTRAINDICATION, EXCLUSION, CLINICIAN_REVIEW)

NOT_SURE = "not_sure"


def gettext_noop(message: str) -> str:
    """Marks a question for the translation catalog without importing Django here: the intake
    form translates it when it is shown (booking/intake_forms.py)."""
    return message


SPRAVATO_LABEL = (
    "Janssen Pharmaceuticals. SPRAVATO (esketamine) nasal spray, prescribing information, revised January 2025. "
    "https://www.janssenlabels.com/package-insert/product-monograph/prescribing-information/SPRAVATO-pi.pdf"
)
TMS_LCDS = (
    "CMS Local Coverage Determinations L34522, L34998 and L37086 (implanted magnetic-sensitive devices or metal "
    "within 30 cm of the coil); https://www.cms.gov/medicare-coverage-database/"
)
CLINIC = "Clinic screening practice (not a payer's or a label's rule)"


@dataclass(frozen=True)
class SafetyQuestion:
    key: str
    treatments: tuple[str, ...]
    question: str  # what the patient reads
    label: str  # short, for staff
    raised_when: bool  # the answer that raises it
    kind: str
    why: str
    source: str

    def raised(self, answer: object) -> bool:
        return answer is self.raised_when


SAFETY_QUESTIONS: tuple[SafetyQuestion, ...] = (
    SafetyQuestion(
        key="metal_in_head",
        treatments=(TMS,),
        question=gettext_noop(
            "Do you have any metal in or near your head? For example aneurysm clips or coils, "
            "stents, bullet or shrapnel fragments, or metal from welding."
        ),
        label="Metal in or near the head (aneurysm clips, electrodes, fragments)",
        raised_when=True,
        kind=CONTRAINDICATION,
        why="Conductive or ferromagnetic metal near the coil can heat or move; TMS coverage policies treat it as "
        "an absolute contraindication.",
        source=TMS_LCDS,
    ),
    SafetyQuestion(
        key="implanted_device",
        treatments=(TMS,),
        question=gettext_noop(
            "Do you have an implanted device? For example a pacemaker, defibrillator, cochlear "
            "implant, deep brain or vagus nerve stimulator, or electrodes."
        ),
        label="Implanted device (pacemaker, defibrillator, deep brain or vagus nerve stimulator, cochlear implant)",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="Devices within 30 cm of the coil are a contraindication; the answer does not say where the device "
        "is, so a clinician decides.",
        source=TMS_LCDS,
    ),
    SafetyQuestion(
        key="seizure_history",
        treatments=(TMS,),
        question=gettext_noop("Have you ever had a seizure or been told you have epilepsy?"),
        label="Seizures or epilepsy",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="TMS can rarely cause a seizure; some policies exclude seizure disorders.",
        source=CLINIC + "; L37086 lists seizure disorders (see policies.json)",
    ),
    SafetyQuestion(
        key="serious_head_injury",
        treatments=(TMS,),
        question=gettext_noop("Have you had a serious head injury (for example one that knocked you out)?"),
        label="Serious head injury",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="A head injury can raise seizure risk; Aetna CPB 0469 lists severe or repeated head trauma.",
        source=CLINIC,
    ),
    SafetyQuestion(
        key="psychotic_symptoms",
        treatments=(TMS, SPRAVATO),
        question=gettext_noop(
            "Have you ever had psychosis, for example hearing or seeing things others did not, "
            "or being told your beliefs were not real?"
        ),
        label="Psychosis, now or in the past",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="Several TMS policies exclude psychotic symptoms (see policies.json); for SPRAVATO a clinician weighs "
        "a history of psychosis.",
        source=CLINIC + "; SPRAVATO label warning on psychosis to verify against the current label",
    ),
    SafetyQuestion(
        key="aneurysm_or_avm",
        treatments=(SPRAVATO,),
        question=gettext_noop(
            "Have you been told you have an aneurysm (a bulging blood vessel) or an arteriovenous malformation (AVM)?"
        ),
        label="Aneurysm or arteriovenous malformation",
        raised_when=True,
        kind=CONTRAINDICATION,
        why="Label contraindication: aneurysmal vascular disease or arteriovenous malformation.",
        source=SPRAVATO_LABEL + " (section 4, contraindications)",
    ),
    SafetyQuestion(
        key="brain_bleed_history",
        treatments=(SPRAVATO,),
        question=gettext_noop("Have you ever had bleeding in the brain?"),
        label="Bleeding in the brain in the past",
        raised_when=True,
        kind=CONTRAINDICATION,
        why="Label contraindication: history of intracerebral hemorrhage.",
        source=SPRAVATO_LABEL + " (section 4, contraindications)",
    ),
    SafetyQuestion(
        key="esketamine_or_ketamine_allergy",
        treatments=(SPRAVATO,),
        question=gettext_noop("Have you ever had an allergic reaction to esketamine (Spravato) or ketamine?"),
        label="Allergy (hypersensitivity) to esketamine or ketamine",
        raised_when=True,
        kind=CONTRAINDICATION,
        why="Label contraindication: hypersensitivity to esketamine, ketamine or any of the excipients.",
        source=SPRAVATO_LABEL + " (section 4, contraindications)",
    ),
    SafetyQuestion(
        key="high_blood_pressure",
        treatments=(SPRAVATO,),
        question=gettext_noop("Do you have high blood pressure?"),
        label="High blood pressure",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="Blood pressure rises after each dose; it is checked before and after treatment.",
        source=SPRAVATO_LABEL + " (warnings: increases in blood pressure)",
    ),
    SafetyQuestion(
        key="heart_or_brain_vessel_disease",
        treatments=(SPRAVATO,),
        question=gettext_noop(
            "Have you had heart problems or a stroke, or been told you have a problem with the blood "
            "vessels of your heart or brain?"
        ),
        label="Heart or brain blood-vessel disease (cardiovascular or cerebrovascular)",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="A rise in blood pressure is riskier with cardiovascular or cerebrovascular conditions.",
        source=SPRAVATO_LABEL + " (warnings: increases in blood pressure)",
    ),
    SafetyQuestion(
        key="pregnant_or_breastfeeding",
        treatments=(SPRAVATO,),
        question=gettext_noop("Are you pregnant, planning a pregnancy, or breastfeeding?"),
        label="Pregnant or breastfeeding",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="The label advises against use in pregnancy (possible harm to the fetus) and against breastfeeding.",
        source=SPRAVATO_LABEL + " (use in specific populations: pregnancy, lactation)",
    ),
    SafetyQuestion(
        key="substance_use",
        treatments=(SPRAVATO,),
        question=gettext_noop("Do you currently use alcohol or drugs in a way that worries you or others?"),
        label="Alcohol or drug use",
        raised_when=True,
        kind=CLINICIAN_REVIEW,
        why="Esketamine can be misused; the label asks prescribers to weigh a history of substance use disorder. "
        "Aetna CPB 0469 excludes recent substance use for TMS.",
        source=SPRAVATO_LABEL + " (boxed warning and warnings: abuse and misuse)",
    ),
    SafetyQuestion(
        key="has_ride_home",
        treatments=(SPRAVATO,),
        question=gettext_noop("Could someone drive you home after a treatment visit?"),
        label="No ride home after treatment",
        raised_when=False,
        kind=CLINICIAN_REVIEW,
        why="Patients must not drive until the next day after a restful sleep (REMS).",
        source=SPRAVATO_LABEL + " (warnings: impaired ability to drive)",
    ),
)

QUESTIONS_BY_KEY = {q.key: q for q in SAFETY_QUESTIONS}


def questions_for(treatment: str) -> tuple[SafetyQuestion, ...]:
    return tuple(q for q in SAFETY_QUESTIONS if treatment in q.treatments)


def _validate_table() -> None:
    seen = set()
    for q in SAFETY_QUESTIONS:
        if q.key in seen:
            raise ValueError(f"Safety question {q.key} is listed twice.")
        seen.add(q.key)
        if q.kind not in KINDS or not set(q.treatments) <= set(TREATMENTS) or not q.treatments:
            raise ValueError(f"Safety question {q.key}: bad kind or treatment.")
        if not (q.question and q.label and q.why and q.source):
            raise ValueError(f"Safety question {q.key}: every text and the source are required.")


_validate_table()
