"""One patient per screening outcome, and what the coordinator sees for each in the list and on the
request page: a reported contraindication never reads "Likely met"."""

import base64
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from e2e.test_coordinator_journey import PASSWORD, authenticator_code, manage

# (reference prefix, what the patient answered differently, the TMS outcome staff must see)
PATIENTS = {
    "likely": ({}, "Likely met", "Criteria likely met"),
    "notyet": ({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0]}, "Not yet met", "Criteria not yet met"),
    "metal": ({"metal_in_head": True}, "Contraindication: clinician to clear", "a clinician must clear it first"),
    "unsure": ({"metal_in_head": "not_sure"}, "Cannot tell yet", "Cannot tell yet"),
}

MAKE_PATIENTS = """
import json
from datetime import date
from django.contrib.auth.models import Group, User
from booking.models import ConsultationRequest, Intake, Medication, MedicationTrial
from booking.safety_questions import SAFETY_QUESTIONS
from booking.services import intake_screen
from booking.tests.factories import ConsultationRequestFactory

user = User.objects.create_user("robin-outcomes", password="{password}", is_staff=True, first_name="Robin")
user.groups.add(Group.objects.get(name="Intake coordinators"))
references = {{}}
for name, changes in json.loads('{patients}').items():
    request = ConsultationRequestFactory(
        first_name=name.capitalize(), date_of_birth=date(1980, 5, 17), insurance_carrier=""
    )
    safety = {{q.key: False for q in SAFETY_QUESTIONS}}
    for key in ("metal_in_head",):
        if key in changes:
            safety[key] = changes[key]
    intake = Intake.objects.create(
        request=request, diagnosis="major_depression", episode_length="1to2y", psychotherapy_tried=True,
        psychotherapy_kind="CBT", psychotherapy_length="3to6m", prior_ect=False, prior_tms=False,
        prior_ketamine=False, phq9=changes.get("phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0]), safety=safety,
    )
    for position, (generic, dose) in enumerate([("sertraline", 150), ("bupropion", 300)]):
        MedicationTrial.objects.create(
            intake=intake, position=position, medication=Medication.objects.get(generic=generic),
            name_given=generic.capitalize(), max_daily_dose=dose, weeks_at_dose=10, current_episode="yes",
            response="none", stop_reason="no_help",
        )
    intake_screen(intake=intake)
    references[name] = request.reference
print("REFS " + json.dumps(references))
"""


@pytest.fixture(scope="module")
def patients_and_secret(stack):
    code = MAKE_PATIENTS.format(password=PASSWORD, patients=json.dumps({k: v[0] for k, v in PATIENTS.items()}))
    printed = manage(stack, "shell", "-c", code)
    references = json.loads(
        next(line for line in printed.splitlines() if line.startswith("REFS ")).removeprefix("REFS ")
    )
    address = next(line for line in manage(stack, "enrol_totp", "robin-outcomes").splitlines() if "otpauth://" in line)
    secret = parse_qs(urlparse(address[address.index("otpauth://") :]).query)["secret"][0]
    return references, base64.b32decode(secret + "=" * (-len(secret) % 8))


def test_each_outcome_shows_as_itself_in_the_list_and_on_the_request_page(new_page, patients_and_secret):
    references, secret = patients_and_secret
    page = new_page()
    page.goto("/admin/")
    page.get_by_label("Username").fill("robin-outcomes")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authentication code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("region", name="What needs attention")).to_be_visible()

    for name, (_, badge, summary) in PATIENTS.items():
        page.goto(f"/admin/booking/consultationrequest/?q={references[name]}")
        row = page.get_by_role("row").filter(has_text=references[name])
        tms_cell = row.locator("td.field-tms")
        expect(tms_cell).to_have_text(re.compile(re.escape(badge)))
        if name != "likely":
            expect(tms_cell).not_to_have_text(re.compile("Likely met"))
        row.get_by_role("link", name=references[name]).click()
        expect(page.get_by_role("region", name="Screening summary")).to_contain_text(summary)
