"""Several machines on one PostgreSQL and one Redis: two web processes, two Celery workers, and
two beat schedulers running at once (the mistake a deployment can make). Nothing is lost, nothing
is doubled: every request saved once, one booking per time, every email and reminder sent once."""

import re
import threading
import urllib.error
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import ConsultationRequest, Email
from booking.tests.conftest import live_services, mailbox, processes, smtp  # noqa: F401 - shared fixtures
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.forms import valid_form_data
from booking.tests.services import Browser, free_port, start_web, start_worker, wait_until
from scheduling.models import Appointment, AppointmentEmail
from scheduling.tests.factories import AvailabilityFactory, ConsultationTypeFactory, LocationFactory, StaffFactory

pytestmark = pytest.mark.services

PATIENTS = 12


def _post_form(browser, path, html, **fields):
    """Send the page's form back the way a browser does: its hidden fields plus the chosen ones."""
    form = html[html.index('<form method="post"') :]
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form[: form.index("</form>")]))
    body = urllib.parse.urlencode({**hidden, **fields}).encode()
    try:
        with browser.opener.open(browser.base_url + path, data=body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:  # the time was taken: 409 with the next open times
        return error.code, error.read().decode()


def test_two_web_and_two_worker_machines_with_two_beats_lose_and_double_nothing(
    live_services,  # noqa: F811
    smtp,  # noqa: F811
    mailbox,  # noqa: F811
    processes,  # noqa: F811
):
    # One clinician free around the clock, every day, so there is always an open time soon.
    location = LocationFactory(time_zone="UTC")
    consultation_type = ConsultationTypeFactory()
    consultation_type.staff.add(staff := StaffFactory())
    for weekday in range(7):
        AvailabilityFactory(
            staff=staff, location=location, weekday=weekday, start_time=clock(0), end_time=clock(23, 59)
        )
    # A consultation booked days ago, starting in 90 minutes: its 2-hour reminder is due now.
    start = (timezone.now() + timedelta(minutes=90)).replace(second=0, microsecond=0)
    Appointment.objects.create(
        request=ConsultationRequestFactory(email="due@patients.example"),
        consultation_type=consultation_type,
        location=location,
        staff=staff,
        start=start,
        end=start + timedelta(minutes=20),
        blocked_until=start + timedelta(minutes=30),
        scheduled_at=timezone.now() - timedelta(days=3),
    )

    env = {
        **live_services["env"],
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp}",
        "SCHEDULING_MIN_NOTICE_HOURS": "0",
        "SCHEDULING_REMINDER_HOURS": "2",
        "REMINDER_QUEUE_INTERVAL": "1",
        # Every patient here comes from 127.0.0.1; the limit itself is tested in booking/tests.
        "CONSULTATION_RATE_LIMIT": "1000",
    }
    tmp = live_services["tmp"]
    ports = [free_port(), free_port()]
    for n, port in enumerate(ports):
        processes.append(start_web(env, tmp / f"web{n}.log", port))
    for n in range(2):
        # Each worker runs its own beat: two schedulers, as on two machines set up the same way.
        processes.append(start_worker(env, tmp / f"worker{n}.log", beat_schedule=tmp / f"beat{n}"))
    browsers = [Browser(f"http://127.0.0.1:{ports[n % 2]}") for n in range(PATIENTS)]

    def send(n):
        data = valid_form_data(email=f"patient{n}@patients.example", first_name=f"Pat{n}")
        return browsers[n].submit_consultation(data)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(PATIENTS)))
    assert [status for status, *_ in results] == [200] * PATIENTS
    assert all("we have your request" in page for _, page, _ in results)
    assert ConsultationRequest.objects.filter(email__startswith="patient").count() == PATIENTS

    # Two patients, one on each web process, choose the same time at the same moment.
    pages = [browsers[n].get("/appointments/book/")[1] for n in (0, 1)]
    first_time = re.search(r'name="start" id="[^"]+" value="([^"]+)"', pages[0]).group(1)
    ready = threading.Barrier(2)

    def book(n):
        ready.wait()
        return _post_form(browsers[n], "/appointments/book/", pages[n], start=first_time)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(book, (0, 1)))
    assert Appointment.objects.booked().filter(start=first_time).count() == 1
    assert sorted(status for status, _ in outcomes) == [200, 409]
    assert sum("that time has just been taken" in page for _, page in outcomes) == 1

    # Every request's two emails, the one confirmation and the one reminder, each once.
    expected = PATIENTS * 2 + 2
    mailbox.wait_for(expected, timeout=60)
    wait_until(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists(), message="every email sent")
    # Let both beats run their reminder and sweep rounds a few more times: nothing more goes out.
    threading.Event().wait(4)
    assert len(mailbox.messages) == expected
    assert len({m["Message-ID"] for m in mailbox.messages}) == expected
    reminders = Email.objects.filter(kind=AppointmentEmail.REMINDER)
    assert reminders.count() == 1 and reminders.get().recipients == ["due@patients.example"]
    assert Email.objects.filter(kind=AppointmentEmail.CONFIRMED).count() == 1
