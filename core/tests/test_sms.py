"""The SMS backends: Twilio's REST API against a local server that speaks it, and its signatures."""

import pytest

from core import sms
from core.tests.fake_twilio import ACCOUNT_SID, FROM_NUMBER


def test_the_twilio_backend_posts_the_message_and_returns_its_sid(twilio):
    sid = sms.send("+12025550143", "Riverbend Clinic: hello", "https://clinic.example/consultation/sms/status/")

    assert len(twilio.messages) == 1
    sent = twilio.messages[0]
    assert sid == sent["sid"] and sid.startswith("SM")
    assert sent["To"] == "+12025550143"
    assert sent["From"] == FROM_NUMBER
    assert sent["Body"] == "Riverbend Clinic: hello"
    assert sent["StatusCallback"] == "https://clinic.example/consultation/sms/status/"


def test_a_provider_failure_is_an_oserror_so_the_outbox_retries(twilio):
    twilio.fail_next = 1
    with pytest.raises(OSError, match="500"):
        sms.send("+12025550143", "hello", None)
    assert twilio.messages == []
    assert sms.send("+12025550143", "hello", None)  # the next attempt goes through


def test_wrong_credentials_are_refused_and_reported(twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    with pytest.raises(sms.SmsError, match="401"):
        sms.send("+12025550143", "hello", None)
    assert twilio.messages == []


def test_an_unreachable_provider_is_an_oserror(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, "token"
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(OSError):
        sms.send("+12025550143", "hello", None)


def test_signature_matches_twilios_published_example():
    # The example in Twilio's signature-validation snippets (TwilioDevEd/api-snippets,
    # security/signature_validation): token 12345, this URL and these parameters.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert sms.twilio_signature(url, params, "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    assert sms.twilio_signature_valid(url, params, "GvWf1cFY/Q7PnoempGyD5oXAezc=", "12345")
    assert not sms.twilio_signature_valid(url, {**params, "Digits": "1235"}, "GvWf1cFY/Q7PnoempGyD5oXAezc=", "12345")
    assert not sms.twilio_signature_valid(url, params, "", "12345")


@pytest.mark.parametrize(
    ("body", "expected"),
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("é" * 160, 1), ("€" * 80, 1), ("ł" * 71, 2)],
)
def test_segments_count_as_phones_do(body, expected):
    assert sms.segments(body) == expected
