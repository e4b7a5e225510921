"""Example questions and answers the FAQ page starts with, marked as examples on the site until
the clinic edits each one (and unticks "is example"). General and true for any clinic offering
TMS and SPRAVATO; nothing here names a person, a price or an insurer."""

# The SPRAVATO answer follows the prescribing information (Janssen Pharmaceuticals, "SPRAVATO
# (esketamine) nasal spray, prescribing information", boxed warning and sections 5.1, 5.2, 5.4 and
# 17: monitoring for at least 2 hours at each session, only in certified settings under the
# REMS, no driving or machinery until the next day after a restful sleep),
# https://www.janssenlabels.com/package-insert/product-monograph/prescribing-information/SPRAVATO-pi.pdf
# (checked against a 2019 copy of the label), and the manufacturer's current dosing page, which
# says the same: Janssen, "Dosing and administration", https://www.spravatohcp.com/dosing-spravato-trd
# The TMS answer repeats what the home page already says (awake, no anaesthetic, can drive).
QUESTIONS = [
    (
        "Is the first consultation free?",
        "Yes. The first conversation is free and you are under no obligation. We listen to what you have tried "
        "so far, answer your questions about TMS and SPRAVATO, and explain what your insurance is likely to ask "
        "for.",
    ),
    (
        "What should I have ready for the consultation?",
        "It helps to have the names of the antidepressants you have taken, roughly how long you took each and "
        "at what dose, and how they worked for you. Have your insurance card to hand too. If you filled in the "
        "treatment-history form we sent you, you will not need to go through it all again.",
    ),
    (
        "How long does a SPRAVATO visit take?",
        "Plan for at least two hours after each dose: SPRAVATO is only given in a certified clinic, where staff "
        "watch over you until you are ready to leave. You cannot drive or operate machinery until the next day, "
        "after a restful sleep, so arrange for someone to take you home.",
    ),
    (
        "What is a TMS session like?",
        "You sit in a chair, awake, while a magnetic coil rests against your head and gives short pulses. You "
        "need no anaesthetic, can go back to your day afterwards, and can drive yourself. A course takes "
        "several weeks of regular weekday sessions; your clinician explains the schedule that applies to you.",
    ),
    (
        "Will my insurance pay?",
        "It depends on your plan. Insurers set their own criteria for TMS and SPRAVATO, and most ask for prior "
        "authorization before treatment starts. Our team checks your plan's requirements with you and tells you "
        "what it is likely to cover. The insurance and costs page explains the steps.",
    ),
    (
        "Is this website monitored around the clock?",
        "No. Messages and forms are read during office hours. If you are in crisis or thinking about suicide, "
        "call or text 988 (the Suicide & Crisis Lifeline) at any time. In immediate danger, call 911.",
    ),
]
