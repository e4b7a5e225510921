"""What the browser tests do the way a person does: fill the forms by their labels, read
emails, and check a page's accessibility and width."""

import re
import time
from datetime import date

from playwright.sync_api import Locator, Page, expect

from booking.tests.services import BASE_DIR, text_of

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = {"width": 320, "height": 640}
STAFF_EMAIL = "coordinator@clinic.example"

REFERENCE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def link_in(message, path_fragment: str) -> str:
    """The first link in an email's text whose address contains path_fragment."""
    for url in re.findall(r"https?://\S+", text_of(message)):
        url = url.rstrip(".,)>\"'")
        if path_fragment in url:
            return url
    raise AssertionError(f"No link containing {path_fragment!r} in:\n{text_of(message)}")


def choose(page: Page | Locator, question: str | re.Pattern, answer: str):
    """Tick the radio button or checkbox ``answer`` in the group whose legend starts with ``question``."""
    group = page.get_by_role("group", name=question)
    group.get_by_role("radio", name=answer, exact=True).or_(
        group.get_by_role("checkbox", name=answer, exact=True)
    ).check()


def fill_consultation_form(page: Page, *, first_name: str, email: str, born: date = date(1980, 5, 17)):
    """Fill the consultation form as a patient would (it must already be open)."""
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Tester")
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Mobile phone").fill("(202) 555-0143")
    choose(page, "How should we contact you?", "Phone call")
    choose(page, "Best times to reach you", "Weekday mornings")
    choose(page, "What would you like to know about?", "TMS")
    choose(page, "Do you have a doctor or nurse practitioner", "Yes")
    page.get_by_label("How did you hear about us?").select_option(label="Internet search")
    page.get_by_label("I agree that the clinic may contact me").check()
    page.get_by_label("I have read the privacy notice").check()


def send_consultation_form(page: Page) -> str:
    """Send the filled form and return the reference the thanks page shows."""
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your request")
    return reference_on(page)


def reference_on(page: Page) -> str:
    found = REFERENCE.search(page.get_by_role("main").inner_text())
    assert found, f"No reference on {page.url}"
    return found.group(0)


def expect_step(page: Page, number: int, title: str):
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Step {number} of 6: {title}")


def save_and_continue(page: Page):
    page.get_by_role("button", name="Save and continue").click()


PHQ9_ANSWERS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def answer_phq9(page: Page, answers: list[int]):
    """Answer the PHQ-9 questions in order, 0 to 3 each."""
    for number, answer in enumerate(answers, start=1):
        choose(page, re.compile(rf"^{number}\. "), PHQ9_ANSWERS[answer])


def axe_violations(page: Page) -> list[str]:
    """Run axe-core on the page at WCAG 2.0, 2.1 and 2.2 A and AA; describe each violation.

    The page's context needs ``bypass_csp=True``: the site's Content-Security-Policy allows
    only its own script files, and Playwright injects axe inline.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for violation in result["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
        found.append(f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


def page_width(page: Page) -> int:
    """The width of the page's content: more than the window's means scrolling sideways."""
    return page.evaluate("() => document.documentElement.scrollWidth")


def request_consultation(page: Page, inbox, *, first_name: str, email: str) -> tuple[str, str]:
    """Ask for a consultation from the form; return the reference and the intake link from the email."""
    page.goto("/consultation/")
    opened = time.monotonic()
    fill_consultation_form(page, first_name=first_name, email=email)
    wait_out_the_robot_check(opened)
    reference = send_consultation_form(page)
    message = inbox.wait_for_email(to=email, subject=f"We received your request ({reference})")
    return reference, link_in(message, "/consultation/intake/")


def wait_out_the_robot_check(opened: float):
    """The form discards what is sent faster than CONSULTATION_MIN_FILL_SECONDS (1 s in the e2e stack)."""
    time.sleep(max(0.0, opened + 1.2 - time.monotonic()))


def tab_to(page: Page, target: Locator, *, limit: int = 100):
    """Press Tab until ``target`` has the focus, as a keyboard user moves through a page."""
    element = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(element) => document.activeElement === element", element):
            return
    raise AssertionError(f"{target} never got the focus after {limit} presses of Tab")
