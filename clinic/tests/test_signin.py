"""Signing in to the staff admin: one answer for every wrong guess, and limits a guesser meets."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.admin_site import SIGN_IN_PAUSED, SIGN_IN_REFUSED
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password-42"
LIST = "/admin/booking/consultationrequest/"


@pytest.fixture
def device(settings):
    settings.ADMIN_REQUIRE_2FA = True
    user = User.objects.create_user("casey", email="casey@clinic.example", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device):
    return "000000" if code(device) != "000000" else "111111"


def sign_in(client, password, token, address="198.51.100.4", username="casey"):
    data = {"username": username, "password": password, "otp_token": token, "next": LIST}
    return client.post("/admin/login/", data, REMOTE_ADDR=address)


def errors(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_a_wrong_password_and_a_wrong_code_look_the_same(client, device):
    wrong_password = errors(sign_in(client, "not the password", code(device)))
    right_password_wrong_code = errors(sign_in(client, PASSWORD, wrong_code(device)))
    right_password_no_code = errors(sign_in(client, PASSWORD, ""))
    assert wrong_password == right_password_wrong_code == right_password_no_code == [SIGN_IN_REFUSED]


def test_wrong_codes_are_audited_and_lock_the_account_like_wrong_passwords(client, device, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, PASSWORD, wrong_code(device))
    failures = AuditEvent.objects.filter(action="login_failed", username="casey", ip_address="198.51.100.4")
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert "wrong or missing code" in failures.first().summary
    locked = sign_in(client, PASSWORD, code(device))
    assert locked.status_code == 429
    assert client.get(LIST).status_code == 302


def test_guessing_from_many_addresses_pauses_new_addresses_and_tells_the_owner(client, device, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 6
    # The owner signed in from the office before the attack.
    assert sign_in(client, PASSWORD, code(device), address="192.0.2.10").status_code == 302
    client.logout()
    for n in range(settings.ACCOUNT_FAILURE_LIMIT):
        sign_in(client, f"guess {n}", "123456", address=f"203.0.113.{n + 1}")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@clinic.example"]
    assert "failed attempts to sign in" in mail.outbox[0].body

    # Even the right password and code, from an address the account has never used, are refused.
    refused = sign_in(client, PASSWORD, code(device), address="203.0.113.200")
    assert errors(refused) == [SIGN_IN_PAUSED]
    assert client.get(LIST).status_code == 302
    # The owner, from the office, still gets in.
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert sign_in(client, PASSWORD, code(device), address="192.0.2.10").status_code == 302
    assert client.get(LIST).status_code == 200
    assert len(mail.outbox) == 1
