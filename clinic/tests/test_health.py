import json

import pytest

from clinic.tests.helpers import run_django

pytestmark = pytest.mark.django_db

HEALTH_PROBE = (
    "import django; django.setup();"
    "from django.test import Client;"
    "r = Client().get('/health/');"
    "print(r.status_code, r.content.decode())"
)


def test_health_answers_200_when_dependencies_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _probe(overrides):
    env = {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "clinic.settings", "ALLOWED_HOSTS": "testserver", **overrides}
    result = run_django(["-c", HEALTH_PROBE], env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    return int(status), json.loads(body)


def test_health_answers_503_without_details_when_the_database_is_unreachable():
    status, body = _probe({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/clinic"})
    assert status == 503
    assert body == {"status": "unavailable"}


def test_health_answers_503_when_redis_is_unreachable(tmp_path):
    status, body = _probe(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    assert status == 503
    assert body == {"status": "unavailable"}


PAGES_PROBE = (
    "import django; django.setup();"
    "from django.test import Client;"
    "c = Client();"
    "print(*[c.get(p).status_code for p in ['/', '/learn/', '/consultation/']])"
)


def test_public_pages_still_answer_while_redis_is_down(tmp_path):
    """Redis only speeds things up: with it unreachable, the pages patients need still work."""
    env = {
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    migrate = run_django(["manage.py", "migrate", "--no-input"], env, timeout=180)
    assert migrate.returncode == 0, migrate.stderr
    result = run_django(["-c", PAGES_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "200", "200"]
