import os
import sys

import pytest
import redis
from django.db import connection

from booking.tests.services import Mailbox, free_port, start_smtp, start_worker


@pytest.fixture
def live_services(redis_url, postgres, transactional_db, settings, tmp_path):
    """What a worker or web process needs to share this test's database and Redis.

    Redis is emptied first so no message from another test is picked up.
    """
    redis.Redis.from_url(redis_url).flushdb()
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "PYTHONPATH": os.getcwd(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "STAFF_NOTIFICATION_EMAILS": "coordinator@clinic.example",
        "CLINIC_NAME": "Riverbend Clinic",
        "EMAIL_RETRY_BASE_SECONDS": "0.5",
        "EMAIL_RETRY_MAX_SECONDS": "1",
        "EMAIL_MAX_ATTEMPTS": "50",
        "EMAIL_TIMEOUT": "5",
        "EMAIL_SEND_LEASE_SECONDS": "3",
        "EMAIL_SWEEP_AFTER_SECONDS": "1",
        "EMAIL_SWEEP_INTERVAL": "1",
        "CONSULTATION_MIN_FILL_SECONDS": "0",
    }
    return {"env": env, "tmp": tmp_path, "python": sys.executable}


@pytest.fixture
def mailbox():
    return Mailbox()


@pytest.fixture
def smtp(mailbox):
    port = free_port()
    controller = start_smtp(port, mailbox)
    yield port
    controller.stop()


@pytest.fixture
def processes():
    """Every process a test starts is stopped at the end, whatever happens."""
    started = []
    yield started
    for process in started:
        process.stop()


@pytest.fixture
def worker(live_services, smtp, processes):
    env = {**live_services["env"], "EMAIL_URL": f"smtp://127.0.0.1:{smtp}"}
    process = start_worker(env, live_services["tmp"] / "worker.log")
    processes.append(process)
    return process


@pytest.fixture
def tasks_run_eagerly():
    """Celery tasks enqueued in the test run at once, in this process, against the test database."""
    from celery import current_app

    before = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = before
