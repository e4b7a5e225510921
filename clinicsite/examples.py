"""Example questions and answers the FAQ page starts with, marked as examples on the site until
the clinic edits each one (and unticks "is example"). General and true for any clinic offering
TMS and SPRAVATO; nothing here names a person, a price or an insurer. Each comes with its Spanish
(``SPANISH``), which says the same and no more."""

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

# The same answers in Spanish, keyed by the English question. TMS is written "EMT (TMS)" as on the
# rest of the Spanish site; the crisis line gives the Lifeline's own Spanish options (press 2 on a
# call, AYUDA by text).
SPANISH = {
    "Is the first consultation free?": (
        "¿La primera consulta es gratuita?",
        "Sí. La primera conversación es gratuita y no lo compromete a nada. Escuchamos lo que ha probado hasta "
        "ahora, respondemos sus preguntas sobre la EMT (TMS) y SPRAVATO, y le explicamos lo que probablemente "
        "le pedirá su seguro médico.",
    ),
    "What should I have ready for the consultation?": (
        "¿Qué debo tener listo para la consulta?",
        "Le ayuda tener los nombres de los antidepresivos que ha tomado, más o menos cuánto tiempo tomó cada uno "
        "y en qué dosis, y cómo le funcionaron. Tenga a mano también su tarjeta del seguro médico. Si llenó el "
        "formulario de tratamientos anteriores que le enviamos, no tendrá que repetirlo todo.",
    ),
    "How long does a SPRAVATO visit take?": (
        "¿Cuánto dura una visita para SPRAVATO?",
        "Calcule por lo menos dos horas después de cada dosis: SPRAVATO solo se da en una clínica certificada, "
        "donde el personal lo vigila hasta que esté listo para irse. No puede manejar ni usar maquinaria hasta "
        "el día siguiente, después de dormir bien, así que pida a alguien que lo lleve a casa.",
    ),
    "What is a TMS session like?": (
        "¿Cómo es una sesión de EMT (TMS)?",
        "Usted se sienta en una silla, despierto, mientras una bobina magnética apoyada en su cabeza da pulsos "
        "cortos. No necesita anestesia, puede volver a sus actividades después y puede manejar usted mismo. Un "
        "tratamiento completo dura varias semanas, con sesiones regulares de lunes a viernes; el profesional que "
        "lo atiende le explica el calendario que le corresponde.",
    ),
    "Will my insurance pay?": (
        "¿Mi seguro médico lo va a pagar?",
        "Depende de su plan. Cada aseguradora fija sus propios criterios para la EMT (TMS) y SPRAVATO, y la "
        "mayoría pide una autorización previa antes de empezar el tratamiento. Nuestro equipo revisa con usted "
        "los requisitos de su plan y le dice lo que probablemente cubrirá. La página de seguro médico y costos "
        "explica los pasos.",
    ),
    "Is this website monitored around the clock?": (
        "¿Alguien revisa este sitio web a toda hora?",
        "No. Leemos los mensajes y los formularios en horario de oficina. Si está en crisis o piensa en el "
        "suicidio, llame al 988 y oprima 2, o envíe AYUDA por mensaje de texto al 988 (la Línea 988 de "
        "Prevención del Suicidio y Crisis), a cualquier hora. Si corre peligro inmediato, llame al 911.",
    ),
}
