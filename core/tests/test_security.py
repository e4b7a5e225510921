"""The holes a security review found, each closed and kept closed."""

import io
import logging
import uuid

import pytest
from django.db import DatabaseError, connection

from booking.services import links
from booking.tests.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


def _configured_handlers():
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    return {h for lg in loggers if isinstance(lg, logging.Logger) for h in lg.handlers}


def test_a_server_error_on_a_private_link_never_writes_its_token_to_any_log(client):
    token = links.intake_link_issue(request=ConsultationRequestFactory())
    streams = []
    for handler in _configured_handlers():
        if isinstance(handler, logging.StreamHandler):
            stream = io.StringIO()
            streams.append((handler, handler.setStream(stream), stream))
    assert streams, "the settings configure at least one log handler"

    def broken_database(execute, sql, params, many, context):
        raise DatabaseError(f"the database went away while reading /consultation/intake/{token}/")

    client.raise_request_exception = False
    try:
        with connection.execute_wrapper(broken_database):
            response = client.get(f"/consultation/intake/{token}/")
    finally:
        for handler, previous, _ in streams:
            handler.setStream(previous)
    assert response.status_code == 500
    written = "".join(stream.getvalue() for _, _, stream in streams)
    assert "Internal Server Error" in written and "DatabaseError" in written
    assert token not in written
    assert "/consultation/intake/[token]/" in written


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
