"""README, "Running it in production", step 4: adding an intake coordinator who is not a superuser."""

import base64
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django_otp.oath import totp

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-coordinator-password-7"


def code_from(otpauth: str) -> str:
    """What an authenticator app shows after scanning the printed address."""
    query = parse_qs(urlparse(otpauth).query)
    secret = query["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=int(query.get('period', ['30'])[0]), digits=int(query.get('digits', ['6'])[0])):06d}"


def test_the_readme_steps_end_with_a_coordinator_signed_in_with_a_code(client, settings):
    settings.ADMIN_REQUIRE_2FA = True
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert 'manage.py add_coordinator casey@clinic.example --name "Casey Jones"' in readme

    out = io.StringIO()
    call_command(
        "add_coordinator",
        "casey@clinic.example",
        "--name",
        "Casey Jones",
        "--password-stdin",
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=out,
    )
    printed = out.getvalue()
    otpauth = re.search(r"otpauth://\S+", printed).group(0)
    user = User.objects.get(username="casey@clinic.example")
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["Intake coordinators"]

    response = client.post(
        "/admin/login/",
        {"username": "casey@clinic.example", "password": PASSWORD, "otp_token": code_from(otpauth)},
    )
    assert response.status_code == 302
    assert client.get("/admin/booking/consultationrequest/").status_code == 200
    assert client.get("/admin/core/auditevent/").status_code == 403


def test_a_weak_password_creates_nothing():
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "add_coordinator", "pat@clinic.example", "--name", "Pat", "--password-stdin", stdin=io.StringIO("short\n")
        )
    assert not User.objects.exists()
