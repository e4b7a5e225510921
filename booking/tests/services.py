"""Real services for delivery tests: an SMTP server, Celery workers and a web server in
their own processes, and a Redis look-alike that accepts connections and never answers."""

import asyncio
import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {message}.")


class Mailbox:
    """An aiosmtpd handler that keeps every accepted message.

    With ``hold_first`` set, the first session stalls at RCPT TO until ``release``
    is set: the client is then in the middle of a send, and nothing has been accepted.
    """

    def __init__(self, *, hold_first=False):
        self.messages = []
        self.hold_first = hold_first
        self.holding = threading.Event()
        self.release = threading.Event()
        self._held = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_first and not self._held:
            self._held = True
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=30.0):
        wait_until(lambda: len(self.messages) >= count, timeout=timeout, message=f"{count} email(s)")
        return self.messages


def start_smtp(port, mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def text_of(message) -> str:
    """Every text part of a message, decoded, with its headers."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


class Process:
    """A child process with its own process group and a log file to wait on."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_log(self, pattern, timeout=30.0):
        wait_until(lambda: re.search(pattern, self.log()), timeout=timeout, message=f"{pattern!r} in {self.log_path}")

    def children(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.popen.pid:
                    found.append(int(entry.name))
        return found

    def kill_all(self):
        """SIGKILL the whole process group: nothing gets to clean up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self):
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill_all()
        self._log.close()


def start_worker(env, log_path, *, beat_schedule=None) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "clinic", "worker", "--pool=prefork", "--concurrency=1"]
    args += ["--without-mingle", "--without-gossip", "--loglevel=INFO"]
    if beat_schedule:
        args += ["--beat", f"--schedule={beat_schedule}"]
    worker = Process(args, env, log_path)
    worker.wait_for_log(r"ready\.")
    return worker


def start_web(env, log_path, port) -> Process:
    args = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "clinic.wsgi"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    web = Process(args, env, log_path)
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/consultation/"), message="the web server")
    return web


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class Browser:
    """Just enough of a browser to fill in the consultation form over HTTP."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.status, response.read().decode()

    def submit_consultation(self, fields):
        """Open the form, fill it in, send it; return (status, final page, seconds the send took)."""
        _, html = self.get("/consultation/")
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
        data = {**hidden, **fields}
        body = urllib.parse.urlencode(data, doseq=True).encode()
        started = time.monotonic()
        with self.opener.open(self.base_url + "/consultation/", data=body, timeout=30) as response:
            page = response.read().decode()
            return response.status, page, time.monotonic() - started


class SilentServer:
    """Accepts TCP connections and never answers: a hung Redis."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(100)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()
