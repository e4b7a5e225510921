"""Fixtures shared by every app's tests."""

import os

import pytest
from django.conf import settings

IN_CI = bool(os.environ.get("CI"))


def pytest_sessionstart(session):
    # CI must test against the real services; a missing one is a failure, not a skip.
    if IN_CI:
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"CI needs {', '.join(missing)} (see .ci/run).")


def require_service(name):
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is not configured.")
    pytest.skip(f"{name} is not configured (set DATABASE_URL / REDIS_URL to run this test).")


@pytest.fixture(autouse=True)
def _language_reset():
    # A request to /es/ leaves Spanish active in the thread; the next test starts in English.
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        require_service("REDIS_URL")
    return settings.REDIS_URL


@pytest.fixture
def twilio(settings):
    """A local server speaking Twilio's Messages API, with the settings that point the SMS backend at it."""
    from core.tests.fake_twilio import FakeTwilio

    fake = FakeTwilio()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    yield fake
    fake.stop()


@pytest.fixture
def postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        require_service("PostgreSQL DATABASE_URL")


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """A test that simulates an outage must not make the next one skip Redis."""
    from core.outage import redis_breaker

    redis_breaker.reset()


@pytest.fixture(autouse=True)
def _rate_limits_start_afresh():
    """Every test comes from 127.0.0.1: counts left by earlier tests must not limit this one."""
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            keys = list(client.scan_iter(match="*ratelimit:*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass  # a test that took Redis down; it has no counts to clear
        finally:
            client.close()
    else:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(autouse=True)
def _stored_pages_forgotten():
    """The database is rolled back after each test without any save signal: pages stored by an
    earlier test must not answer for this one's data."""
    from core import pagecache

    pagecache.reset()
