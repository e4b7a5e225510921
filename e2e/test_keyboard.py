"""The request form and the first intake step with the keyboard alone: Tab, Space, Enter and
the arrow keys, never the mouse."""

import re
import time

from playwright.sync_api import Page, expect

from e2e.browsing import expect_step, reference_on, tab_to, wait_out_the_robot_check


def type_into(page: Page, field, text: str):
    tab_to(page, field)
    page.keyboard.type(text)


def test_request_and_first_intake_step_with_the_keyboard_alone(page, inbox):
    page.goto("/consultation/")
    opened = time.monotonic()

    # The first Tab reaches the skip link, which jumps over the banner and the menu.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    type_into(page, page.get_by_label("First name"), "Jordan")
    type_into(page, page.get_by_label("Last name"), "Keys")
    # A date field takes month, day and year as typed digits (en-US).
    type_into(page, page.get_by_label("Date of birth"), "03221975")
    expect(page.get_by_label("Date of birth")).to_have_value("1975-03-22")
    type_into(page, page.get_by_role("textbox", name="Email"), "jordan@patients.example")
    type_into(page, page.get_by_label("Mobile phone"), "(202) 555-0143")

    # Radio buttons: Tab reaches the group, the arrow keys choose within it.
    tab_to(page, page.get_by_role("radio", name="Phone call"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Text message")).to_be_checked()
    # Checkboxes: Space ticks the one that has the focus.
    tab_to(page, page.get_by_role("checkbox", name="Weekday evenings"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Weekday evenings")).to_be_checked()
    tab_to(page, page.get_by_role("radio", name="TMS", exact=True))
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="TMS", exact=True)).to_be_checked()
    prescriber = page.get_by_role("group", name="Do you have a doctor or nurse practitioner")
    tab_to(page, prescriber.get_by_role("radio", name="Yes"))
    page.keyboard.press("Space")
    type_into(page, page.get_by_label("Insurance company"), "Blue Shield")
    tab_to(page, page.get_by_label("How did you hear about us?"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("How did you hear about us?")).to_have_value("search")
    for label in ["I agree that the clinic may contact me", "I have read the privacy notice"]:
        tab_to(page, page.get_by_label(label))
        page.keyboard.press("Space")
        expect(page.get_by_label(label)).to_be_checked()

    wait_out_the_robot_check(opened)
    tab_to(page, page.get_by_role("button", name="Send my request"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your request")
    reference = reference_on(page)

    # From the thanks page straight into the treatment history.
    tab_to(page, page.get_by_role("link", name="Start my treatment history now"))
    page.keyboard.press("Enter")
    expect_step(page, 1, "Your depression now")

    tab_to(page, page.get_by_role("radio", name="Major depression (major depressive disorder)"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("radio", name="Less than 6 months"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="More than 2 years")).to_be_checked()
    type_into(page, page.get_by_label("Which medicines do you take now"), "Sertraline 100 mg")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")
    expect_step(page, 2, "Antidepressants you have tried")

    # Tab and Enter on the progress link go back to step 1, with the answers kept.
    progress_link = page.get_by_role("navigation", name="Progress").get_by_role(
        "link", name=re.compile("Your depression")
    )
    tab_to(page, progress_link)
    page.keyboard.press("Enter")
    expect_step(page, 1, "Your depression now")
    expect(page.get_by_role("radio", name="More than 2 years")).to_be_checked()
    expect(page.get_by_label("Which medicines do you take now")).to_have_value("Sertraline 100 mg")
    inbox.wait_for_email(to="jordan@patients.example", subject=f"We received your request ({reference})")
