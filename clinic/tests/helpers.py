"""Run Django in a separate process with a chosen environment, as a server would start."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "clinic.example",
    "SITE_URL": "https://clinic.example",
    "DATABASE_URL": f"sqlite:///{BASE_DIR / 'unused-production-check.sqlite3'}",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.clinic.example:587",
    "STAFF_NOTIFICATION_EMAILS": "coordinator@clinic.example",
}


def run_django(args, env_overrides, *, drop=(), timeout=60):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # Isolate from any local .env and from the caller's DEBUG.
    env.pop("DEBUG", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
