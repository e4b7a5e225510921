"""Every public page (in English and in Spanish) and every intake page: axe-core finds no
WCAG 2.0/2.1/2.2 A or AA violation, and nothing scrolls sideways on a 320 px wide screen."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from e2e.browsing import (
    NARROW,
    answer_phq9,
    axe_violations,
    expect_step,
    fill_consultation_form,
    page_width,
    request_consultation,
    save_and_continue,
    send_consultation_form,
    wait_out_the_robot_check,
)
from e2e.test_spanish_journey import WIDE, fill_spanish_consultation_form

# The clinic's own pages, in both languages (Spanish under /es/).
CLINIC_PAGES = [
    "/about/team/",
    "/about/locations/",
    "/about/insurance-and-costs/",
    "/about/questions/",
    "/about/contact/",
]


def public_pages(page: Page):
    """Visit every public page, yielding once each is shown."""
    page.goto("/")
    yield
    page.goto("/privacy/")
    yield
    for path in CLINIC_PAGES:
        page.goto(path)
        yield
    page.goto("/learn/")
    yield
    links = page.get_by_role("main").get_by_role("link")
    hrefs = sorted(set(links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")))
    topics = [href for href in hrefs if href.startswith("/learn/topics/")]
    articles = [href for href in hrefs if re.fullmatch(r"/learn/[\w-]+/", href) and href != "/learn/search/"]
    assert topics and len(articles) >= 9, hrefs
    for href in topics + articles:
        page.goto(href)
        yield
    page.goto("/learn/")
    page.get_by_role("searchbox", name="Search our articles").fill("esketamine")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/learn/search/\?q=esketamine"))
    yield
    page.goto("/learn/search/?q=nothing-matches-this")
    yield
    page.goto("/consultation/")
    opened = time.monotonic()
    yield
    wait_out_the_robot_check(opened)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name=re.compile("Please check"))).to_be_visible()
    yield
    fill_consultation_form(page, first_name="Alex", email=f"alex.{time.time_ns()}@patients.example")
    wait_out_the_robot_check(opened)
    send_consultation_form(page)
    yield
    page.goto("/appointments/book/")  # picking a time, for the request just made
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    yield
    page.goto("/appointments/waitlist/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    yield
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    yield
    response = page.goto("/no-such-page/")
    assert response.status == 404
    yield


def spanish_public_pages(page: Page):
    """Visit the Spanish version of every public page, yielding once each is shown."""
    page.goto("/es/")
    yield
    page.goto("/es/privacy/")
    yield
    for path in CLINIC_PAGES:
        page.goto(f"/es{path}")
        yield
    page.goto("/es/learn/")
    yield
    links = page.get_by_role("main").get_by_role("link")
    hrefs = sorted(set(links.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")))
    topics = [href for href in hrefs if href.startswith("/es/learn/topics/")]
    # Every guide at its Spanish address: the Spanish version, or the page saying there is none
    # yet (the index links English-only guides to their English address).
    slugs = {m[1] for href in hrefs if (m := re.fullmatch(r"(?:/es)?/learn/([\w-]+)/", href)) and m[1] != "search"}
    articles = [f"/es/learn/{slug}/" for slug in sorted(slugs)]
    assert topics and len(articles) >= 9, hrefs
    for href in topics + articles:
        page.goto(href)
        yield
    page.goto("/es/learn/search/?q=esketamina")
    yield
    page.goto("/es/consultation/")
    opened = time.monotonic()
    yield
    wait_out_the_robot_check(opened)
    page.get_by_role("button", name="Enviar mi solicitud").click()
    expect(page.get_by_role("heading", name=re.compile("^Revise"))).to_be_visible()
    yield
    fill_spanish_consultation_form(page, first_name="Ana", email=f"ana.{time.time_ns()}@patients.example")
    wait_out_the_robot_check(opened)
    page.get_by_role("button", name="Enviar mi solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias, recibimos su solicitud")
    yield
    page.goto("/es/appointments/book/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    yield
    page.goto("/es/appointments/waitlist/")
    joining = page.get_by_role("heading", level=1).inner_text()
    yield
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(joining)  # "on the waitlist"
    yield
    response = page.goto("/es/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("No encontramos esa página")
    yield


def intake_pages(page: Page, intake_link: str):
    """Visit every intake page (each step, with errors, the crisis help, saved, done), yielding on each."""
    page.goto(intake_link)
    expect_step(page, 1, "Your depression now")
    yield
    save_and_continue(page)
    expect_step(page, 2, "Antidepressants you have tried")
    yield
    page.get_by_role("group", name="Medicine 1").get_by_role("combobox", name="Medicine").fill("Escitalopram")
    page.get_by_role("button", name="Add another medicine").click()
    expect(page.get_by_role("group", name="Medicine 2")).to_be_visible()
    yield
    page.get_by_role("group", name="Medicine 1").get_by_label("Highest dose per day, in mg").fill("-5")
    save_and_continue(page)
    expect(page.get_by_role("heading", name="Please check the medicines below")).to_be_visible()
    yield
    page.get_by_role("group", name="Medicine 1").get_by_label("Highest dose per day, in mg").fill("20")
    save_and_continue(page)
    expect_step(page, 3, "Other treatments")
    yield
    save_and_continue(page)
    expect_step(page, 4, "How you have been feeling")
    yield
    save_and_continue(page)
    expect(page.get_by_role("heading", name=re.compile("Please check"))).to_be_visible()
    yield
    answer_phq9(page, [1, 1, 1, 1, 1, 1, 1, 1, 1])
    expect(page.get_by_text("You do not have to wait for us to get help")).to_be_visible()
    yield
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available right now")
    yield
    page.get_by_role("link", name="Continue with the form").click()
    expect_step(page, 5, "Safety questions")
    yield
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    yield
    page.get_by_role("link", name="Continue now instead").click()
    expect_step(page, 6, "Review and send")  # step 5 was saved on the way out
    yield
    page.get_by_role("button", name="Send my treatment history").click()
    expect(page.get_by_role("heading", name=re.compile("Please check"))).to_be_visible()
    yield
    page.get_by_label("My answers are accurate").check()
    page.get_by_role("button", name="Send my treatment history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your treatment history")
    yield
    page.goto("/consultation/intake/not-a-real-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    yield


def _axe_everywhere(visits, page):
    found = []
    for _ in visits:
        found += axe_violations(page)
    assert not found, "axe-core found accessibility problems:\n" + "\n".join(found)


def _narrow_everywhere(visits, page):
    too_wide = []
    for _ in visits:
        width = page_width(page)
        if width > NARROW["width"]:
            too_wide.append(f"{page.url}: {width} px")
    assert not too_wide, "Pages that scroll sideways at 320 px:\n" + "\n".join(too_wide)


# axe is injected as an inline script, which the site's Content-Security-Policy rightly
# refuses: these contexts bypass CSP (the journeys run with it and fail on any violation).


def test_public_pages_have_no_axe_violations(new_page):
    page = new_page(bypass_csp=True)
    _axe_everywhere(public_pages(page), page)


def test_intake_pages_have_no_axe_violations(new_page, inbox):
    page = new_page(bypass_csp=True)
    _, intake_link = request_consultation(page, inbox, first_name="Robin", email="robin@patients.example")
    _axe_everywhere(intake_pages(page, intake_link), page)


def test_public_pages_fit_a_320_px_screen(new_page):
    page = new_page(viewport=NARROW)
    _narrow_everywhere(public_pages(page), page)


def test_intake_pages_fit_a_320_px_screen(new_page, inbox):
    page = new_page(viewport=NARROW)
    _, intake_link = request_consultation(page, inbox, first_name="Kai", email="kai@patients.example")
    _narrow_everywhere(intake_pages(page, intake_link), page)


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])
def test_spanish_public_pages_have_no_axe_violations(new_page, viewport):
    page = new_page(bypass_csp=True, viewport=viewport)
    visits = spanish_public_pages(page)
    found = []
    for _ in visits:
        assert page.locator("html").get_attribute("lang") == "es", page.url
        found += axe_violations(page)
    assert not found, "axe-core found accessibility problems:\n" + "\n".join(found)


def test_spanish_public_pages_fit_a_320_px_screen(new_page):
    page = new_page(viewport=NARROW)
    _narrow_everywhere(spanish_public_pages(page), page)
