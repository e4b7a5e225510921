"""What every benchmark shares: the machine report, a database and Redis of its own,
the app under gunicorn with production settings, wrk, and bench/RESULTS.md."""

import contextlib
import fcntl
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "RESULTS.md"
PYTHON = sys.executable
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_BASE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
# One secret per run: the benchmarks that sign form fields read it from here.
SECRET_KEY = "bench-" + secrets.token_urlsafe(48)
STAFF_EMAIL = "coordinator@clinic.example"

# The helpers the delivery tests use (a child process with its own group and log, ports, waiting).
sys.path.insert(0, str(BASE_DIR))
from booking.tests.services import Process, free_port, wait_until  # noqa: E402

__all__ = ["Process", "free_port", "wait_until"]

# A plain `kill` of the benchmark still runs its clean-up (every `finally` that stops a server).
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


# --- The machine and the versions -------------------------------------------------------


def _first_line(args) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    text = (done.stdout + done.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def _meminfo_gib() -> str:
    match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    return f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else "unknown"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        if match:
            return match.group(1).strip()
    return platform.processor() or "unknown"


def machine() -> list[tuple[str, str]]:
    import celery
    import django
    import gunicorn
    import psycopg
    import redis

    with psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=5) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(f"{REDIS_BASE_URL}/0").info("server")["redis_version"]
    nginx = _first_line(["nginx", "-v"]).removeprefix("nginx version: ")
    wrk = _first_line(["wrk", "-v"]).split(" Copyright")[0]
    return [
        ("Cores", f"{os.cpu_count()} ({_cpu_model()})"),
        ("Memory", _meminfo_gib()),
        ("Load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("PostgreSQL", postgres),
        ("Redis", redis_version),
        ("gunicorn", gunicorn.__version__),
        ("Celery", celery.__version__),
        ("nginx", nginx),
        ("wrk", wrk),
    ]


def print_machine(rows):
    print("Machine and versions:")
    for label, value in rows:
        print(f"  {label:<22} {value}")
    print()


def machine_markdown(rows) -> str:
    return "\n".join(f"- {label}: {value}" for label, value in rows)


def command_line(module: str) -> str:
    args = " ".join(shlex.quote(arg) for arg in sys.argv[1:])
    return f".venv/bin/python -m {module}" + (f" {args}" if args else "")


# --- Tools ----------------------------------------------------------------------------------


def ensure_tool(binary: str, package: str) -> str:
    """The path of a command-line tool, installed with apt-get (as root) when it is missing."""
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(f"{binary} is missing: run `apt-get install -y {package}` as root, then try again.")
    print(f"Installing {package} with apt-get ...")
    subprocess.run(["apt-get", "install", "-y", package], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which(binary, path="/usr/sbin:/usr/bin")
    if not found:
        sys.exit(f"apt-get installed {package} but {binary} is still not on the PATH.")
    return found


# --- Database, Redis and the app's environment ---------------------------------------------


def prepare_database(name: str) -> str:
    """Create the database when it is missing; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{POSTGRES_URL}/{name}"


def redis_url(db: int) -> str:
    return f"{REDIS_BASE_URL}/{db}"


def flush_redis(url: str):
    """Empty this benchmark's own Redis database (never another one)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def production_env(*, database_url: str, redis_url: str, **extra) -> dict:
    """The environment of a production deployment, on 127.0.0.1 without TLS."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        {
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "PYTHONPATH": str(BASE_DIR),
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "SECURE_SSL_REDIRECT": "false",
            "STAFF_NOTIFICATION_EMAILS": STAFF_EMAIL,
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *args: str):
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def set_up_site(env: dict, *, static: bool = True):
    """Migrate, load the shipped content and (for gunicorn) collect the static files."""
    print("Preparing the database (migrate, load_initial_content) ...")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_initial_content")
    if static:
        manage(env, "collectstatic", "--no-input", "-v", "0")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_gunicorn(env, *, app: str, port: int, workers: int, log_path, check_path: str = "/health/") -> Process:
    args = [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    args += ["--timeout", "30"]
    process = Process(args, env, log_path)
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}{check_path}"), message=f"gunicorn ({app})")
    except AssertionError:
        process.stop()
        sys.exit(f"gunicorn did not answer; its log:\n{Path(log_path).read_text(errors='replace')[-3000:]}")
    return process


def start_worker(env, *, log_path, concurrency: int) -> Process:
    args = [PYTHON, "-m", "celery", "-A", "clinic", "worker", "--pool=prefork", f"--concurrency={concurrency}"]
    args += ["--without-mingle", "--without-gossip", "--loglevel=INFO"]
    process = Process(args, env, log_path)
    try:
        process.wait_for_log(r"ready\.", timeout=60)
    except AssertionError:
        process.stop()
        sys.exit(f"the Celery worker did not start; its log:\n{process.log()[-3000:]}")
    return process


@contextlib.contextmanager
def workdir(prefix: str):
    """A temporary folder for logs and configuration, removed at the end."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- wrk ------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url, *, seconds: int, connections: int, threads: int = 2, script=None, script_args=()) -> dict:
    args = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    if script:
        args += ["-s", str(script)]
    args.append(url)
    if script_args:
        args += ["--", *script_args]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)
    out = done.stdout
    if done.returncode or "Requests/sec" not in out:
        sys.exit(f"wrk failed:\n{out}\n{done.stderr}")
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)$", out, re.MULTILINE)}
    socket_errors = re.search(r"Socket errors: (.+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": percentiles[50],
        "p99": percentiles[99],
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "none",
        "output": out,
        "stderr": done.stderr,
    }


# --- Figures and bench/RESULTS.md -----------------------------------------------------------


def percentile(values, p: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


HEADER = """# Benchmark results

Figures from `make bench` and the scripts in `bench/` (see bench/README.md). Each section
is rewritten by the script that owns it, between its markers; other sections are kept.
"""

SHARED_MACHINE_NOTE = (
    "Measured on a shared 2-core machine where other work (test runs) was going on at the same "
    "time, with the load generator on the same cores as the server: compare figures within one "
    "run, not across machines."
)


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def update_results(key: str, body: str):
    """Replace this benchmark's section of bench/RESULTS.md (or add it), keeping every other."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    section = f"{start}\n{body.strip()}\n{end}"
    with open(Path(tempfile.gettempdir()) / "clinic-bench-results.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = RESULTS.read_text() if RESULTS.exists() else HEADER
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: section, text, count=1)
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        temporary = RESULTS.with_suffix(".md.tmp")
        temporary.write_text(text)
        os.replace(temporary, RESULTS)
    print(f"Results written to {RESULTS.relative_to(BASE_DIR)} (section {key}).")


# --- The consultation form over HTTP, as a browser fills it in ------------------------------


def form_fields(index: int, **overrides) -> dict:
    """A valid request; the email address names the submission."""
    fields = {
        "first_name": "Dana",
        "last_name": "Whitfield",
        "email": f"bench-{index}@example.com",
        "phone": "(202) 555-0143",
        "date_of_birth": "1984-06-02",
        "preferred_contact": "phone",
        "best_times": ["morning", "evening"],
        "interest": "tms",
        "has_prescriber": "yes",
        "insurance_carrier": "Bluepeak Mutual",
        "heard_about": "search",
        "message": "Two medicines so far.",
        "consent_to_contact": "on",
        "privacy_acknowledged": "on",
        "website": "",
    }
    fields.update(overrides)
    return fields


def open_form(port: int) -> tuple[str, dict]:
    """GET the form: its CSRF cookie and hidden fields (the cookie is Secure in production,
    which a cookie jar would not send back over plain HTTP, so it is handled by hand)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/consultation/")
        response = conn.getresponse()
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        conn.close()
    if response.status != 200:
        raise SystemExit(f"GET /consultation/ answered {response.status}")
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken="))
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return csrf, hidden


def post_form(port: int, csrf: str, fields: dict) -> tuple[int, str]:
    """POST a filled-in form; returns the status and the Location header."""
    import http.client
    import urllib.parse

    body = urllib.parse.urlencode(fields, doseq=True)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/consultation/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.headers.get("Location", "")
    finally:
        conn.close()


def submit_form(port: int, index: int) -> tuple[int, str, float]:
    """Open the form and send it; returns (status, Location, monotonic time just before the POST)."""
    csrf, hidden = open_form(port)
    fields = {**hidden, **form_fields(index)}
    sent_at = time.monotonic()
    status, location = post_form(port, csrf, fields)
    return status, location, sent_at


# --- Goals: one table per section, the same columns everywhere -------------------------------


def goals_table(goals) -> list[str]:
    """``| Goal | Measured | Aim | Met |`` rows from (goal, measured text, aim text, met) tuples;
    every benchmark section uses these columns, so the rows can be collected across sections."""
    lines = ["| Goal | Measured | Aim | Met |", "|---|---:|---:|---|"]
    for goal, measured, aim, met in goals:
        lines.append(f"| {goal} | {measured} | {aim} | {'yes' if met else 'no'} |")
    return lines
