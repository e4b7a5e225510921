"""Every page of the clinic's own site at a desktop and a phone width: a screenshot for people
to look at (test-artifacts/e2e/screenshots/), no axe-core violation, and nothing that scrolls
sideways at 320 px."""

import pytest

from e2e.browsing import NARROW, axe_violations, page_width
from e2e.conftest import ARTIFACTS

SHOTS = ARTIFACTS / "screenshots"
CLINIC_PAGES = [
    "/",
    "/about/team/",
    "/about/locations/",
    "/about/insurance-and-costs/",
    "/about/questions/",
    "/about/contact/",
    "/learn/",
    "/consultation/",
    "/privacy/",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_clinic_pages_are_photographed_and_have_no_axe_violations(new_page, width):
    page = new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for path in CLINIC_PAGES:
        page.goto(path)
        name = path.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        found += axe_violations(page)
    assert not found, "axe-core found accessibility problems:\n" + "\n".join(found)


def test_clinic_pages_fit_a_320_px_screen(new_page):
    page = new_page(viewport=NARROW)
    too_wide = []
    for path in CLINIC_PAGES:
        page.goto(path)
        if (width := page_width(page)) > NARROW["width"]:
            too_wide.append(f"{path}: {width} px")
    assert not too_wide, "Pages that scroll sideways at 320 px:\n" + "\n".join(too_wide)
