"""A Spanish-speaking patient's whole way through the site, in a real browser on the production
stack: the Spanish home page, the request form, the confirmation email in Spanish, its private
link, the treatment history, and a booked time with its calendar invite.

Every page is checked for what a Spanish reader must get wherever they are: ``<html lang="es">``,
the crisis line with the Lifeline's Spanish options, and no axe-core violation (the rules of
test_accessibility.py) at 1280 px and at 320 px wide. The words each page must show in Spanish
are listed in one place, ``SPANISH_TEXT`` below (with the emails' and the invite's beside it).
"""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from e2e.browsing import AXE_JS, AXE_TAGS, NARROW, link_in, page_width, reference_on, wait_out_the_robot_check

WIDE = {"width": 1280, "height": 800}
EMAIL = "lucia@patients.example"

# The crisis banner as a Spanish reader gets it: the Lifeline answers in Spanish when a caller
# presses 2, and takes texts in Spanish with the word AYUDA.
SPANISH_CRISIS = ["¿Está en crisis?", "Llame al 988 y oprima 2", "envíe AYUDA por texto al 988"]
# The site's frame, the same on every page: skip link, navigation, footer.
SPANISH_LAYOUT = ["Ir al contenido principal", "Infórmese", "Nuestro equipo", "Aviso de privacidad"]


# --- Spanish text on each page: the one place to add it ------------------------------------
#
# Each page of the journey, with the Spanish it must show and the English it must no longer show.

SPANISH_STEP = "Paso {number} de 6: {title}"
STEP_TITLES = [
    "Su depresión ahora",
    "Antidepresivos que ha probado",
    "Otros tratamientos",
    "Cómo se ha sentido",
    "Preguntas de seguridad",
    "Revisar y enviar",
]
SPANISH_TEXT = {
    "home": (["Cuando los antidepresivos no han sido suficientes"], ["When antidepressants have not been enough"]),
    "request form": (["Pida una consulta gratuita", "Enviar mi solicitud"], ["Send my request"]),
    "thanks": (["Gracias, recibimos su solicitud", "Lo que sigue"], ["Thank you, we have your request"]),
    **{
        f"intake step {number}": (
            [SPANISH_STEP.format(number=number, title=title), "Sus tratamientos anteriores · referencia"],
            ["Save and continue", "Your treatment history"],
        )
        for number, title in enumerate(STEP_TITLES, start=1)
    },
    "intake done": (["Gracias, recibimos sus tratamientos anteriores"], ["Thank you, we have your treatment history"]),
    "book": (
        ["Elija un horario para su consulta gratuita", "Días con horarios disponibles", "Reservar este horario"],
        ["Choose a time for your free consultation", "Book this time", "Days with open times"],
    ),
    "booked": (
        ["Su consulta está reservada", "Cuándo", "Duración", "Cambiar o cancelar"],
        ["Your consultation is booked", "Change or cancel", "How long"],
    ),
}
# The PHQ-9 on a Spanish page: its official Spanish version for the USA, as its authors publish it.
PHQ9_SPANISH_STEM = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"
)
SPANISH_EMAIL_TEXT = {
    "request received": (
        ["Hola, Lucía:", "Su número de referencia:", "Lo que sigue", "llame al 988 y oprima 2", "envíe AYUDA"],
        ["What happens next", "Hello Lucía"],
    ),
    "intake received": (["Hola, Lucía:", "Su número de referencia:", "llame al 988 y oprima 2"], ["Hello Lucía"]),
    "appointment booked": (
        ["Hola, Lucía:", "está reservada.", "Cuándo:", "Duración:", "Para cambiar o cancelar, use su enlace privado"],
        ["Hello Lucía", "When:", "is booked", "To change or cancel"],
    ),
}
SPANISH_INVITE_TEXT: list[str] = [
    ": Consulta",
    "DESCRIPTION:Referencia ",
    "use el enlace de su correo electrónico o llame al",
]


def expect_spanish_text(page: Page, name: str):
    spanish, english = SPANISH_TEXT[name]
    body = page.locator("body")
    for text in spanish:
        expect(body).to_contain_text(text)
    for text in english:
        expect(body).not_to_contain_text(text)


def assert_spanish_email(text: str, name: str):
    spanish, english = SPANISH_EMAIL_TEXT[name]
    missing = [phrase for phrase in spanish if phrase not in text]
    left = [phrase for phrase in english if phrase in text]
    assert not missing and not left, f"Email {name!r}: missing {missing}, still English {left}:\n{text}"


# --- What every Spanish page must have ----------------------------------------------------


def _axe(page: Page) -> list[str]:
    """axe-core with the rules of test_accessibility.py, run with the page's CSP in force: the
    library's source is evaluated by the browser's debugger channel, not added as a script tag."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[' '.join(node['target']) for node in violation['nodes']][:5]}"
        for violation in result["violations"]
    ]


class SpanishPages:
    """Checks each page the patient reaches; what axe or the width check finds is gathered and
    reported at the end, page by page, so that one run shows every problem."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        self.visited: list[str] = []

    def check(self, name: str):
        page = self.page
        self.visited.append(name)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        banner = page.get_by_role("complementary", name="Si está en crisis")
        for text in SPANISH_CRISIS:
            expect(banner).to_contain_text(text)
        expect(banner.get_by_role("link", name="Llame al 988 y oprima 2")).to_have_attribute("href", "tel:988")
        expect(banner.get_by_role("link", name="envíe AYUDA por texto al 988")).to_have_attribute("href", "sms:988")
        expect(banner.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
        for text in SPANISH_LAYOUT:
            expect(page.locator("body")).to_contain_text(text)
        expect_spanish_text(page, name)
        for size in (WIDE, NARROW):
            page.set_viewport_size(size)
            self.problems += [f"{name} ({page.url}) at {size['width']} px: {found}" for found in _axe(page)]
        if (width := page_width(page)) > NARROW["width"]:
            self.problems.append(f"{name} ({page.url}) scrolls sideways at 320 px: {width} px wide")
        page.set_viewport_size(WIDE)

    def assert_clean(self):
        assert not self.problems, "On the Spanish pages:\n" + "\n".join(self.problems)


# --- Finding the way without reading the words (they change as pages are translated) -------


def _next(page: Page):
    """The step's main button ("Save and continue", or "Send" on the last step)."""
    page.locator("form button.btn-primary[name=action][value=next]").click()


def _expect_step(page: Page, number: int):
    expect(page).to_have_url(re.compile(rf"/es/consultation/intake/step/{number}/$"))


def _email_with_invite(inbox, to: str, timeout: float = 30.0):
    """The email to ``to`` that carries a calendar invite, whatever its subject's language."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(inbox.messages):
            if to in str(message["To"]) and any(p.get_content_type() == "text/calendar" for p in message.walk()):
                return message
        time.sleep(0.2)
    raise AssertionError(f"No email with a calendar invite to {to} within {timeout:.0f} s")


def _text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def fill_spanish_consultation_form(page: Page, *, first_name: str, email: str):
    """Fill the Spanish consultation form by its Spanish labels, as a patient would (it must be open)."""
    page.get_by_role("textbox", name=re.compile(r"^Nombre")).fill(first_name)
    page.get_by_label("Apellido").fill("Prueba")
    page.get_by_label("Fecha de nacimiento").fill("1979-03-08")
    page.get_by_role("textbox", name="Correo electrónico").fill(email)
    page.get_by_label("Teléfono celular").fill("(202) 555-0187")
    for question, answer in [
        ("¿Cómo prefiere que lo contactemos?", "Llamada telefónica"),
        ("Mejores horarios para contactarlo", "Tardes de lunes a viernes"),
        ("¿Sobre qué le gustaría saber?", "SPRAVATO (esketamina)"),
        ("¿Tiene ahora un médico o un enfermero especializado", "Sí"),
    ]:
        group = page.get_by_role("group", name=question)
        group.get_by_role("radio", name=answer, exact=True).or_(
            group.get_by_role("checkbox", name=answer, exact=True)
        ).check()
    page.get_by_label("¿Cómo supo de nosotros?").select_option(label="Búsqueda en internet")
    page.get_by_label("Acepto que la clínica me contacte").check()
    page.get_by_label("Leí el aviso de privacidad").check()


def test_a_spanish_speaking_patient_requests_shares_their_history_and_books_in_spanish(new_page, inbox):
    page = new_page(viewport=WIDE, locale="es-US")
    pages = SpanishPages(page)

    page.goto("/es/")
    pages.check("home")
    page.get_by_role("banner").get_by_role("link", name="Pida una consulta").first.click()
    expect(page).to_have_url(re.compile(r"/es/consultation/$"))
    opened = time.monotonic()
    pages.check("request form")

    fill_spanish_consultation_form(page, first_name="Lucía", email=EMAIL)
    wait_out_the_robot_check(opened)
    page.get_by_role("button", name="Enviar mi solicitud").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias, recibimos su solicitud")
    expect(page).to_have_url(re.compile(r"/es/consultation/thanks/$"))
    reference = reference_on(page)
    pages.check("thanks")
    # The thanks page offers to pick a time; the patient shares their history first.
    book_link = page.locator('a[href="/es/appointments/book/"]')
    expect(book_link).to_have_count(1)

    # The confirmation, in Spanish, from the SMTP server; its private link keeps the language.
    confirmation = inbox.wait_for_email(to=EMAIL, subject=f"Recibimos su solicitud ({reference})")
    assert_spanish_email(_text_of(confirmation), "request received")
    intake_link = link_in(confirmation, "/consultation/intake/")
    assert "/es/consultation/intake/" in intake_link, intake_link

    page.goto(intake_link)
    _expect_step(page, 1)
    assert reference_on(page) == reference
    pages.check("intake step 1")
    for number in (2, 3):  # steps 1 to 3 may be left blank
        _next(page)
        _expect_step(page, number)
        pages.check(f"intake step {number}")
    _next(page)
    _expect_step(page, 4)
    pages.check("intake step 4")
    expect(page.locator('div.phq9[lang="es"]')).to_contain_text(PHQ9_SPANISH_STEM)
    for item, answer in enumerate([1, 2, 1, 1, 0, 1, 1, 0, 0], start=1):
        page.locator(f'input[name="item_{item}"][value="{answer}"]').check()
    _next(page)
    _expect_step(page, 5)
    pages.check("intake step 5")
    for radio in page.locator('input[type=radio][value="no"]').all():
        radio.check()
    _next(page)
    _expect_step(page, 6)
    pages.check("intake step 6")
    page.locator('input[name="confirmed_accurate"]').check()
    _next(page)
    expect(page).to_have_url(re.compile(r"/es/consultation/intake/done/$"))
    assert reference_on(page) == reference
    pages.check("intake done")
    received = inbox.wait_for_email(to=EMAIL, subject=f"Recibimos sus tratamientos anteriores ({reference})")
    assert_spanish_email(_text_of(received), "intake received")

    # Back to the thanks page's offer: a time, picked by the patient.
    page.goto("/es/appointments/book/")
    pages.check("book")
    first_time = page.locator("form.slot-form input[name=start]").first
    starts = first_time.get_attribute("value")
    first_time.check()
    page.locator("form.slot-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/es/appointments/booked/$"))
    pages.check("booked")

    # The invite: attached to the booking email, for the time chosen, with nothing about treatment.
    booked = _email_with_invite(inbox, EMAIL)
    assert_spanish_email(_text_of(booked), "appointment booked")
    invites = [part for part in booked.walk() if part.get_content_type() == "text/calendar"]
    assert len(invites) == 1
    invite = invites[0].get_content()
    assert "BEGIN:VCALENDAR" in invite and "BEGIN:VEVENT" in invite and "METHOD:REQUEST" in invite
    assert reference in invite.replace("\r\n ", "")
    local_start = datetime.fromisoformat(starts).astimezone(ZoneInfo("America/New_York"))
    assert f"DTSTART;TZID=America/New_York:{local_start:%Y%m%dT%H%M%S}" in invite, invite
    assert f"mailto:{EMAIL}" in invite.replace("\r\n ", "")
    for word in ("TMS", "SPRAVATO", "esketamin", "depres"):
        assert word.lower() not in invite.lower(), f"{word!r} in the invite"
    unfolded = invite.replace("\r\n ", "")
    for text in SPANISH_INVITE_TEXT:
        assert text in unfolded, f"{text!r} not in the invite:\n{invite}"

    assert pages.visited == list(SPANISH_TEXT), "every page of SPANISH_TEXT is visited, in order"
    pages.assert_clean()
