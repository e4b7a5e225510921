"""The site in a real browser, on the stack it runs on in production.

Once for the whole ``e2e`` package:

- pytest-django's session-scoped ``django_db_setup`` creates the test database (on the
  PostgreSQL named by ``DATABASE_URL``); every test here is marked ``django_db`` for that
  (pytest-django creates only the databases that marked tests use). The tests never use
  the database in-process: only the stack's own processes do, each in its own committed
  transactions, so no ``transactional_db`` (which would empty the tables after each test)
  is needed, and the per-test transaction pytest-django opens in this process stays empty.
- ``manage.py load_initial_content`` fills it (articles, medication catalog), while
  ``manage.py collectstatic`` writes the static files to ``STATIC_ROOT`` for whitenoise.
- aiosmtpd receives the emails; a Celery worker with beat sends them; gunicorn serves the
  site with ``DEBUG=false`` and production settings (manifest static files, CSP, secure
  cookies: Chromium keeps ``Secure`` cookies on http://127.0.0.1, a trustworthy origin).
- Afterwards the processes are stopped and ``manage.py flush`` empties the tables, so
  tests that run later in the same session start from an empty database.

Each test opens its browser contexts with the ``new_page`` factory. When a test fails,
a screenshot and the HTML of every page it had open are kept in ``test-artifacts/e2e/``
(emptied when the stack starts), with the logs of gunicorn, the worker and the set-up.

Chromium is Debian's (``/usr/bin/chromium``, or ``E2E_CHROMIUM``) and axe-core comes from
npm; ``make test`` installs both. Without them, or without PostgreSQL and Redis, these tests are skipped on a
laptop and fail in CI.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, connections

from booking.tests.services import (
    BASE_DIR,
    Mailbox,
    free_port,
    start_smtp,
    start_web,
    start_worker,
    wait_until,
)
from e2e.browsing import AXE_JS, STAFF_EMAIL

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = BASE_DIR / "test-artifacts" / "e2e"
IN_CI = bool(os.environ.get("CI"))


# What `make test` sets up itself (the Makefile's e2e-deps target), and what it only reads.
INSTALLED_BY_MAKE = "`make test` installs it; see the Makefile's e2e-deps target"
SERVICE_HINT = "start it and set {variable}, as README.md's Tests section shows"


def _missing(what, hint=INSTALLED_BY_MAKE):
    """Fail in CI, where everything must be there; skip on a laptop with a hint."""
    message = f"{what} ({hint})."
    if IN_CI:
        pytest.fail(f"The browser tests need {message}", pytrace=False)
    pytest.skip(f"Browser tests skipped: missing {message}")


def _check_prerequisites():
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"Chromium at {CHROMIUM}")
    if not AXE_JS.is_file():
        _missing(f"axe-core at {AXE_JS.relative_to(BASE_DIR)}")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("PostgreSQL", SERVICE_HINT.format(variable="DATABASE_URL"))
    if not settings.REDIS_URL:
        _missing("Redis", SERVICE_HINT.format(variable="REDIS_URL"))


# --- Emails -------------------------------------------------------------------------------


class Inbox(Mailbox):
    """The aiosmtpd mailbox, searched by recipient and subject."""

    def wait_for_email(self, *, to: str, subject: str, timeout: float = 30.0) -> EmailMessage:
        def find():
            for message in list(self.messages):
                if to.lower() in str(message["To"]).lower() and subject.lower() in str(message["Subject"]).lower():
                    return message
            return None

        try:
            return wait_until(find, timeout=timeout, message=f"an email to {to} about {subject!r}")
        except AssertionError:
            seen = [f"{m['To']}: {m['Subject']}" for m in self.messages]
            raise AssertionError(f"No email to {to} about {subject!r} within {timeout:.0f} s. Seen: {seen}") from None


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.django_db)


# --- The stack ----------------------------------------------------------------------------


@dataclass
class Stack:
    url: str
    env: dict
    inbox: Inbox
    logs: Path
    processes: list = field(default_factory=list)


def _manage(env, *args, log_path):
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def _finish(popen, what, log_path):
    if popen.wait(timeout=120) != 0:
        raise RuntimeError(f"`manage.py {what}` failed:\n{Path(log_path).read_text(errors='replace')[-4000:]}")


def _stop(process):
    """Stop a process and everything it started (gunicorn's and Celery's children included),
    so that none still holds a connection when the test database is dropped."""
    process.stop()
    group = process.popen.pid

    def gone():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        return False

    try:
        wait_until(gone, timeout=10, message=f"process group {group} to exit")
    except AssertionError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


# What a clinic sets up in the admin before patients can pick a time: a consultation type,
# a location, and a clinician who works weekdays.
CLINIC_HOURS = """
from datetime import time
from django.contrib.auth.models import User
from scheduling.models import Availability, ConsultationType, Location
clinician = User.objects.create_user("dr-lee", first_name="Robin", last_name="Lee", is_staff=True)
location = Location.objects.create(name="Main office", address="100 Main Street", time_zone="America/New_York")
ConsultationType.objects.create(name="Free phone consultation", duration_minutes=20, buffer_minutes=10)
for weekday in range(5):
    Availability.objects.create(staff=clinician, location=location, weekday=weekday,
                                start_time=time(9), end_time=time(17))
"""


@pytest.fixture(scope="package")
def stack(django_db_setup):
    _check_prerequisites()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    logs = Path(tempfile.mkdtemp(prefix="clinic-e2e-"))

    db = connection.settings_dict  # the test database, once django_db_setup has made it
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no message, cache entry or rate count from before

    inbox = Inbox()
    smtp_port, web_port = free_port(), free_port()
    smtp = start_smtp(smtp_port, inbox)
    base_url = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "PYTHONPATH": str(BASE_DIR),
        # Production settings: DEBUG off, every secret and address given.
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": base_url,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "STAFF_NOTIFICATION_EMAILS": STAFF_EMAIL,
        # Plain http on 127.0.0.1: no redirect to https (there is no TLS in front of gunicorn here).
        "SECURE_SSL_REDIRECT": "false",
        # A person takes longer than a second, a browser under test does not need three.
        "CONSULTATION_MIN_FILL_SECONDS": "1",
        # Every test submits from 127.0.0.1; the limit itself is tested in booking/tests.
        "CONSULTATION_RATE_LIMIT": "1000",
        # Quick retries and sweeps, so that a slow first send does not stall a test.
        "EMAIL_RETRY_BASE_SECONDS": "0.5",
        "EMAIL_RETRY_MAX_SECONDS": "2",
        "EMAIL_SWEEP_AFTER_SECONDS": "5",
        "EMAIL_SWEEP_INTERVAL": "2",
        # One gunicorn worker (start_web) with threads, so a page's files load side by side.
        "GUNICORN_CMD_ARGS": "--threads 4",
    }
    stack = Stack(url=base_url, env=env, inbox=inbox, logs=logs)
    try:
        collect = _manage(env, "collectstatic", "--noinput", "--verbosity", "0", log_path=logs / "collectstatic.log")
        content = _manage(env, "load_initial_content", log_path=logs / "content.log")
        _finish(collect, "collectstatic", logs / "collectstatic.log")
        _finish(content, "load_initial_content", logs / "content.log")
        hours = _manage(env, "shell", "-c", CLINIC_HOURS, log_path=logs / "clinic-hours.log")
        _finish(hours, "shell (clinic hours)", logs / "clinic-hours.log")
        stack.processes.append(start_worker(env, logs / "worker.log", beat_schedule=logs / "celerybeat-schedule"))
        stack.processes.append(start_web(env, logs / "gunicorn.log", web_port))
        yield stack
    finally:
        for process in reversed(stack.processes):
            _stop(process)
        smtp.stop()
        if _failed_tests:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for log in logs.glob("*.log"):
                shutil.copy(log, ARTIFACTS / log.name)
        flush = subprocess.run(
            [sys.executable, "manage.py", "flush", "--noinput"], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        shutil.rmtree(logs, ignore_errors=True)
        assert flush.returncode == 0, flush.stderr


@pytest.fixture
def inbox(stack) -> Inbox:
    return stack.inbox


# --- The browser --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(stack):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse
    # the (empty) per-test transaction pytest-django opens here. The tests do not use the ORM.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
            # The per-test transactions used a connection of their own while the loop ran:
            # close it, or the test database could not be dropped at the end of the session.
            connections.close_all()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


_failed_tests: list[str] = []
_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash.setdefault(_FAILED, True)
        _failed_tests.append(item.nodeid)
    return report


@pytest.fixture
def new_page(request, browser, stack):
    """Open a page in a new browser context (a new visitor, with no cookies).

    Keyword arguments go to ``browser.new_context`` (for example ``viewport`` or
    ``bypass_csp``). Nothing goes wrong silently: a Content-Security-Policy violation
    (unless the context bypasses CSP) or an error answer for a static file fails the test.
    """
    contexts = []
    problems = []

    def static_file_answered(response):
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    def csp_violation(message):
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    def open_page(**context_options):
        options = {"base_url": stack.url, "locale": "en-US", "timezone_id": "America/New_York", **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", static_file_answered)
        if not options.get("bypass_csp"):
            page.on("console", csp_violation)
        return page

    yield open_page

    if request.node.stash.get(_FAILED, False):
        _keep_artifacts(request.node, contexts)
    for context in contexts:
        context.close()
    assert not problems, "In the browser:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page()


def _keep_artifacts(item, contexts):
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
    folder.mkdir(parents=True, exist_ok=True)
    number = 0
    for context in contexts:
        for page in context.pages:
            number += 1
            try:
                page.screenshot(path=str(folder / f"page-{number}.png"), full_page=True)
                (folder / f"page-{number}.html").write_text(f"<!-- {page.url} -->\n{page.content()}")
            except Exception as exc:  # a page that crashed still lets the others be kept
                (folder / f"page-{number}.error.txt").write_text(f"{page.url}\n{exc!r}")
