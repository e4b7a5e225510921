"""gunicorn's settings for this site (Procfile, `make serve`, the tests that start a web server).

Values given on the command line or in GUNICORN_CMD_ARGS override these.
"""

import os

from gunicorn.http import wsgi

# Only the reverse proxy on this machine should reach gunicorn: it terminates TLS and sets the
# forwarded headers (see TRUSTED_PROXIES). Set BIND to listen elsewhere, e.g. on a private network.
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 30
# The first visit to an intake link carries its token in the address: no access log.
accesslog = None

_default_headers = wsgi.Response.default_headers


def _without_server_header(self):
    # gunicorn always names itself and its version in a Server header; that tells an attacker
    # which vulnerabilities to try and tells nobody else anything.
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header
