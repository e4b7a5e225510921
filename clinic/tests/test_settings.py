import pytest

from clinic.tests.helpers import PRODUCTION_ENV, run_django


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"])
def test_production_refuses_to_start_without_a_secret_or_service(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_django(["manage.py", "check"], env, drop=(missing,))
    assert result.returncode != 0
    assert f"The environment variable {missing} is required when DEBUG is off" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_laptop_defaults_need_nothing_but_debug():
    bare = {"DEBUG": "true"}
    drop = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = run_django(["-c", code], {**bare, "DJANGO_SETTINGS_MODULE": "clinic.settings"}, drop=drop)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_cookies_are_host_only_and_patient_sessions_last_hours():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_AGE, s.TRUSTED_PROXIES)"
    )
    result = run_django(["-c", code], {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "clinic.settings"})
    assert result.returncode == 0, result.stderr
    session, csrf, age, *_ = result.stdout.split()
    # __Host- makes browsers refuse the cookie unless it is Secure, for this host alone, on every path.
    assert session.startswith("__Host-") and csrf.startswith("__Host-")
    assert int(age) <= 12 * 3600


def test_a_malformed_trusted_proxy_stops_start_up():
    result = run_django(["manage.py", "check"], {**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


@pytest.mark.parametrize("recipient", ["", "STAFF_NOTIFICATION_EMAILS", "URGENT_ALERT_WEBHOOK_URL"])
def test_production_refuses_to_run_without_anyone_to_receive_an_urgent_alert(recipient):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "STAFF_NOTIFICATION_EMAILS"}
    if recipient == "STAFF_NOTIFICATION_EMAILS":
        env[recipient] = "coordinator@clinic.example"
    elif recipient:
        env[recipient] = "https://oncall.clinic.example/hooks/urgent"
    drop = ("STAFF_NOTIFICATION_EMAILS", "URGENT_ALERT_WEBHOOK_URL")
    result = run_django(["manage.py", "check", "--deploy"], env, drop=drop)
    if recipient:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "booking.E001" in result.stderr and "No one would receive an urgent alert" in result.stderr


def test_the_web_process_refuses_to_start_without_anyone_to_receive_an_urgent_alert():
    # gunicorn imports clinic.wsgi and runs no system checks of its own.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "STAFF_NOTIFICATION_EMAILS"}
    drop = ("STAFF_NOTIFICATION_EMAILS", "URGENT_ALERT_WEBHOOK_URL")
    refused = run_django(["-c", "import clinic.wsgi"], env, drop=drop)
    assert refused.returncode != 0 and "booking.E001" in refused.stderr
    started = run_django(["-c", "import clinic.wsgi"], PRODUCTION_ENV, drop=drop)
    assert started.returncode == 0, started.stderr


def test_laptop_links_follow_the_port_make_run_serves_on():
    drop = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    env = {"DEBUG": "true", "PORT": "8001", "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    result = run_django(["-c", code], env, drop=drop)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8001"


def test_laptop_defaults_show_the_sites_own_404_page_not_djangos_debug_page():
    drop = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
    code = (
        "import django; django.setup(); from django.test import Client; from django.test.utils import "
        "setup_test_environment; setup_test_environment(); "
        "r = Client().get('/no-such-page/'); print(r.status_code, 'We could not find that page' in r.content.decode(), "
        "'technical_404' in r.content.decode() or 'Using the URLconf' in r.content.decode())"
    )
    env = {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "clinic.settings", "ALLOWED_HOSTS": "testserver"}
    result = run_django(["-c", code], env, drop=drop)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "True", "False"]


def test_laptop_celery_raises_no_kombu_hostname_warning():
    drop = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
    # kombu logs the warning when it describes the broker connection (as a worker or a task send does).
    code = (
        "import django; django.setup(); from clinic.celery import app; app.connection_for_write()._info(); print('ok')"
    )
    result = run_django(["-c", code], {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "clinic.settings"}, drop=drop)
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr


@pytest.mark.parametrize("debug_pages", ["false", "true"])
def test_runserver_log_lines_are_printed_once(debug_pages):
    drop = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes with StatReloader')"
    )
    env = {"DEBUG": "true", "DEBUG_PAGES": debug_pages, "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    result = run_django(["-c", code], env, drop=drop)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Watching for file changes") == 1
