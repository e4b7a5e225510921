"""The holes a security review found in the shared pieces, each closed and kept closed."""

import uuid

import pytest

pytestmark = pytest.mark.django_db


# --- Client addresses ----------------------------------------------------------------------------


def _request(remote, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(settings):
    from core.ratelimit import client_ip

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    # Straight from the internet, a forged header changes nothing.
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    # Through our proxy: the address it saw, even if the client forged an earlier one.
    assert client_ip(_request("127.0.0.1", "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    # Through two of our proxies.
    assert client_ip(_request("10.1.2.3", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    assert client_ip(_request("10.1.2.3", "not an address")) == "10.1.2.3"
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


def test_ipv6_clients_share_one_rate_limit_per_64_block(settings):
    from core.ratelimit import hit

    settings.CLIENT_IP_HEADER = ""
    scope = f"test-{uuid.uuid4()}"
    first = [hit(_request(f"2001:db8:1:2::{n:x}"), scope=scope, limit=3, window_seconds=60) for n in range(1, 5)]
    assert first == [False, False, False, True]
    # Another /64 has its own allowance.
    assert hit(_request("2001:db8:1:3::1"), scope=scope, limit=3, window_seconds=60) is False


def test_every_page_switches_off_browser_features_it_does_not_use(client):
    for path in ["/", "/consultation/", "/admin/login/"]:
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy
