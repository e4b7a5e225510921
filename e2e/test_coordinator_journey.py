"""The coordinator's side: sign in with a password and an authenticator code, find the urgent
request at the top of the list, read its screening summary, add a note, mark it contacted and
open its prior-authorization packet."""

import base64
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

from django_otp.oath import totp
from playwright.sync_api import expect

from booking.tests.services import BASE_DIR
from e2e.browsing import answer_phq9, choose, expect_step, request_consultation, save_and_continue

PASSWORD = "a-long-coordinator-password-42"

NEW_COORDINATOR = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("casey", password="{PASSWORD}", is_staff=True, first_name="Casey")
user.groups.add(Group.objects.get(name="Intake coordinators"))
"""


def manage(stack, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=stack.env, capture_output=True, text=True, check=True
    )
    return result.stdout


def enrol_coordinator(stack) -> bytes:
    """Create the account and enrol its authenticator app the documented way; return the app's secret."""
    manage(stack, "shell", "-c", NEW_COORDINATOR)
    printed = manage(stack, "enrol_totp", "casey")
    address = next(line for line in printed.splitlines() if line.startswith("otpauth://"))
    secret = parse_qs(urlparse(address).query)["secret"][0]
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def authenticator_code(secret: bytes) -> str:
    return f"{totp(secret):06d}"


def make_urgent_request(page, inbox) -> str:
    reference, intake_link = request_consultation(page, inbox, first_name="Alex", email="alex@patients.example")
    page.goto(intake_link)
    for _ in range(3):
        save_and_continue(page)
    expect_step(page, 4, "How you have been feeling")
    answer_phq9(page, [2, 2, 2, 2, 2, 2, 2, 2])
    choose(page, re.compile(r"^9\. "), "More than half the days")
    save_and_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available right now")
    return reference


def test_coordinator_signs_in_with_two_factors_and_handles_the_urgent_request_first(stack, new_page, inbox):
    secret = enrol_coordinator(stack)
    patients = new_page()
    routine, _ = request_consultation(patients, inbox, first_name="Jo", email="jo@patients.example")  # older
    urgent = make_urgent_request(patients, inbox)

    page = new_page()
    page.goto("/admin/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill("000000" if authenticator_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_text("the username, password or code is not right")
    ).to_be_visible()  # a wrong code does not open the admin
    time.sleep(2)  # after a wrong code, django-otp makes the next try wait a moment

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Sign in").click()
    dashboard = page.get_by_role("region", name="What needs attention")
    expect(dashboard).to_contain_text("urgent, not yet contacted")

    page.get_by_role("link", name="Consultation requests", exact=True).click()
    # Urgent requests come first (other tests' patients may be urgent too), then the rest.
    requests = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Received"))
    expect(requests).to_contain_text(urgent)
    rows = requests.get_by_role("row").all_inner_texts()[1:]  # after the column headers
    ours = next(i for i, row in enumerate(rows) if urgent in row)
    assert all("Urgent" in row for row in rows[: ours + 1])
    assert ours < next(i for i, row in enumerate(rows) if routine in row)
    # No medicines were listed yet: neither treatment reads likely met in the list.
    assert "Not yet met" in rows[ours] and "Likely met" not in rows[ours]

    requests.get_by_role("link", name=urgent).click()
    summary = page.get_by_role("region", name="Screening summary")
    expect(summary).to_contain_text("not a diagnosis")
    expect(summary).to_contain_text("Item 9 above 0")

    page.get_by_label("Add a note").fill("Called, left a voicemail with the 988 number.")
    page.get_by_role("button", name="Add note").click()
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Called, left a voicemail with the 988 number.")
    expect(timeline).to_contain_text("Casey")

    page.get_by_label("Change status").select_option(label="Contacted")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed to contacted.")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("New → Contacted")

    # The prior-authorization packet for this patient, on screen and as a PDF named by the reference only.
    page.get_by_role("link", name="TMS", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Prior-authorization request: TMS"))).to_be_visible()
    expect(page.get_by_role("heading", name="Criteria checklist", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Clinician attestation")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"prior-authorization-{urgent}-tms.pdf"
