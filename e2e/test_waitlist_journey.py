"""The waitlist in the browser: a patient for whom only a later time suits joins the list, a
cancellation frees an earlier one, the offer arrives by email and the patient books it."""

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from e2e.browsing import link_in, request_consultation

BASE_DIR = Path(__file__).resolve().parents[1]

# Another patient holds the first open time (booked as staff would on the phone).
HOLD_FIRST_TIME = """
from django.utils import timezone
from booking.models import ConsultationRequest
from scheduling import services, slots
from scheduling.models import ConsultationType, Location
kind, location = ConsultationType.objects.get(), Location.objects.get()
first = slots.next_open(consultation_type=kind, location=location, after=timezone.now(), count=1)[0]
holder = ConsultationRequest.objects.create(
    first_name="Holder", last_name="Tester", email="holder@patients.example", phone="+12025550100",
    date_of_birth="1980-01-01", preferred_contact="phone", interest="tms", has_prescriber="yes",
    consent_to_contact=True, privacy_acknowledged_at=timezone.now(),
)
services.appointment_book(request=holder, consultation_type=kind, location=location, start=first.start)
"""

# The clinic cancels it (the patient called): the time opens again.
CANCEL_IT = """
from django.contrib.auth.models import User
from scheduling import services
from scheduling.models import Appointment
staff = User.objects.get(username="dr-lee")
appointment = Appointment.objects.booked().get(request__email="holder@patients.example")
services.appointment_cancel(appointment=appointment, by=staff, note="Called to cancel")
"""


def shell(stack, code):
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=stack.env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_waiting_patient_is_offered_a_freed_time_and_books_it(stack, new_page, inbox):
    shell(stack, HOLD_FIRST_TIME)
    page = new_page()
    request_consultation(page, inbox, first_name="Wren", email="wren@patients.example")

    # No time soon enough: Wren joins the waitlist from the booking page.
    page.get_by_role("link", name="Choose a time").click()
    page.get_by_role("link", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")

    shell(stack, CANCEL_IT)
    offer = inbox.wait_for_email(to="wren@patients.example", subject="A consultation time has opened", timeout=60)
    link = link_in(offer, "/appointments/offer/")

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/appointments/offer/$"))  # the token leaves the address bar
    expect(page.get_by_role("heading", level=1)).to_have_text("A time has opened for you")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consultation is booked")
    inbox.wait_for_email(to="wren@patients.example", subject="Your consultation is booked")
