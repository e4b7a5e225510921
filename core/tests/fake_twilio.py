"""A local HTTP server that speaks the part of Twilio's Messages API we use, in a thread.

It checks HTTP Basic credentials and the form fields, keeps every accepted message, answers
with a JSON message (``sid``, ``status``), and can be told to fail. No traffic leaves the machine.
"""

import base64
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC00000000000000000000000000000001"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM_NUMBER = "+15550100999"


class FakeTwilio:
    def __init__(self):
        self.messages: list[dict] = []
        self.requests = 0
        # How many of the next requests fail with a 500, as a provider outage would.
        self.fail_next = 0
        self.failing = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def settings(self) -> dict:
        """The settings (or environment) that point the Twilio backend here."""
        return {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": self.base_url,
        }

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler, status, body):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler):
        with self._lock:
            self.requests += 1
            fail = self.failing or self.fail_next > 0
            if self.fail_next > 0:
                self.fail_next -= 1
        length = int(handler.headers.get("Content-Length") or 0)
        fields = {key: values[0] for key, values in parse_qs(handler.rfile.read(length).decode()).items()}
        match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", handler.path)
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if not match:
            return self._answer(handler, 404, {"code": 20404, "message": "The requested resource was not found"})
        if handler.headers.get("Authorization") != expected or match.group(1) != ACCOUNT_SID:
            return self._answer(handler, 401, {"code": 20003, "message": "Authenticate"})
        if fail:
            return self._answer(handler, 500, {"code": 20500, "message": "Internal Server Error"})
        if not fields.get("To") or not fields.get("Body") or fields.get("From") != FROM_NUMBER:
            return self._answer(handler, 400, {"code": 21604, "message": "A 'To' phone number is required."})
        sid = "SM" + uuid.uuid4().hex
        with self._lock:
            self.messages.append({**fields, "sid": sid})
        self._answer(handler, 201, {"sid": sid, "status": "queued", "to": fields["To"], "from": FROM_NUMBER})
