"""Every page of the clinic's own site at a desktop and a phone width: a screenshot for people
to look at (test-artifacts/e2e/screenshots/), no axe-core violation, and nothing that scrolls
sideways at 320 px."""

import base64
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from e2e.browsing import NARROW, axe_violations, page_width, request_consultation
from e2e.conftest import ARTIFACTS
from e2e.test_coordinator_journey import PASSWORD, authenticator_code, manage

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


STAFF_USER = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("sam-screens", password="{PASSWORD}", is_staff=True, first_name="Sam")
user.groups.add(Group.objects.get(name="Intake coordinators"))
"""


@pytest.fixture(scope="module")
def staff_secret(stack):
    manage(stack, "shell", "-c", STAFF_USER)
    printed = manage(stack, "enrol_totp", "sam-screens")
    address = next(line for line in printed.splitlines() if line.startswith("otpauth://"))
    secret = parse_qs(urlparse(address).query)["secret"][0]
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def test_main_staff_pages_are_photographed_fit_a_phone_and_have_no_axe_violations(new_page, inbox, staff_secret):
    patient = new_page()
    reference, _ = request_consultation(patient, inbox, first_name="Noor", email="noor@patients.example")
    SHOTS.mkdir(parents=True, exist_ok=True)
    found, too_wide = [], []
    # One sign-in (an authenticator code works once), then each width in turn.
    page = new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto("/admin/")
    page.get_by_label("Username").fill("sam-screens")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill(authenticator_code(staff_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("region", name="What needs attention")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/")
        for name in ("staff-index", "staff-requests", "staff-request"):
            if name == "staff-requests":
                page.goto("/admin/booking/consultationrequest/")
            elif name == "staff-request":
                page.get_by_role("link", name=reference).click()
            page.wait_for_load_state()
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            found += axe_violations(page)
            if width == 390 and page_width(page) > width:
                too_wide.append(f"{page.url}: {page_width(page)} px")
        if width == 1280:
            # Every column of the request list is inside its box, Safety and Assigned included.
            page.goto("/admin/booking/consultationrequest/")
            box = page.locator("#changelist .results").bounding_box()
            for column in ("Safety", "Assigned to"):
                header = page.get_by_role("columnheader", name=column).bounding_box()
                assert header["x"] + header["width"] <= box["x"] + box["width"] + 1, column
    assert not found, "axe-core found accessibility problems:\n" + "\n".join(found)
    assert not too_wide, "Staff pages that scroll sideways on a phone:\n" + "\n".join(too_wide)
