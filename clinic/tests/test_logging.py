"""Tokens of private links never reach a log, whatever fails."""

import io
import logging

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
