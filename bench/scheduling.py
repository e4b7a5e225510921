"""Slot lookup and the booking page under load, on PostgreSQL, with django-appointment 3.12
measured on the same machine in the same run when its virtualenv is there.

    .venv/bin/python -m bench.scheduling [--staff 10] [--bookings 1000] [--iterations 200]
        [--seconds 10] [--connections 8] [--workers 3] [--appointment-venv /tmp/appt-venv]

Both sides get the same data: one consultation type / service of 20 minutes on a 30-minute grid,
``--staff`` clinicians working Monday to Friday 9:00-17:00, and ``--bookings`` booked
appointments spread over the next 30 days.

- In process: the open times of one day for every clinician (ours: one ``open_slots`` call;
  django-appointment: ``get_available_slots_for_staff`` for each staff member, as its page asks
  one clinician at a time), and ours for the whole 30-day horizon. Median, p95 and SQL queries.
- Over HTTP through gunicorn (DEBUG off) under ``wrk``: our booking page (``/appointments/book/``,
  the full horizon and one day rendered) against django-appointment's slot endpoint for one staff
  member (``/appointment/ajax/available_slots/``, JSON for one day) and its booking page.

django-appointment runs from its own virtualenv (``pip install django-appointment==3.12.0
gunicorn psycopg[binary]`` into ``--appointment-venv``), with a minimal project written to a
temporary folder; none of its code is kept here. Without that virtualenv only our side is run.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import common

DATABASE = "clinic_bench_scheduling"
APPOINTMENT_DATABASE = "clinic_bench_appointment"
REDIS_DB = 15
LUA = Path(__file__).with_name("scheduling_headers.lua")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--appointment-venv", default="/tmp/appt-venv")
    return parser.parse_args()


def timings(function, iterations):
    function()  # warm up (imports, connection)
    values = []
    for _ in range(iterations):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return {
        "p50": statistics.median(values),
        "p95": common.percentile(values, 95),
        "per_second": 1000 / statistics.mean(values),
    }


def bench_day(today: date) -> date:
    """A weekday a week ahead: past the minimum notice, inside the horizon."""
    day = today + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# --- Our side ------------------------------------------------------------------------------


def seed_ours(args):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from booking.models import ConsultationRequest
    from scheduling.models import Appointment, Availability, ConsultationType, Location

    user_model = get_user_model()
    with transaction.atomic():
        Appointment.objects.all().delete()
        Availability.objects.all().delete()
        ConsultationType.objects.all().delete()
        Location.objects.all().delete()
        ConsultationRequest.objects.filter(email__startswith="bench-sched-").delete()
        user_model.objects.filter(username__startswith="bench-sched-").delete()

        location = Location.objects.create(name="Main office", time_zone="America/New_York")
        kind = ConsultationType.objects.create(name="Free phone consultation", duration_minutes=20, buffer_minutes=10)
        staff = [user_model.objects.create(username=f"bench-sched-{n}", is_staff=True) for n in range(args.staff)]
        Availability.objects.bulk_create(
            Availability(staff=member, location=location, weekday=d, start_time="09:00", end_time="17:00")
            for member in staff
            for d in range(5)
        )
        requests = ConsultationRequest.objects.bulk_create(
            ConsultationRequest(
                first_name="Bench",
                last_name=str(n),
                email=f"bench-sched-{n}@example.com",
                phone="+12025550143",
                date_of_birth=date(1984, 6, 2),
                preferred_contact="phone",
                interest="not_sure",
                has_prescriber="yes",
                privacy_acknowledged_at=datetime.now(UTC),
                reference=f"BS{n:07d}",
            )
            for n in range(args.bookings + 1)
        )
        taken = _booking_plan(args, staff_ids=[s.pk for s in staff])
        Appointment.objects.bulk_create(
            Appointment(
                request=request,
                consultation_type=kind,
                staff_id=staff_id,
                location=location,
                start=start,
                end=start + timedelta(minutes=20),
                blocked_until=start + timedelta(minutes=30),
            )
            for request, (staff_id, start) in zip(requests, taken, strict=False)
        )
    session = SessionStore()
    session["consultation_thanks"] = {"id": requests[-1].pk, "token": None}
    session.create()
    return {"location": location, "type": kind, "session": session.session_key, "staff": staff}


def _booking_plan(args, *, staff_ids):
    """``--bookings`` distinct (staff, start) pairs on the 30-minute grid, 9:00-16:30 New York time,
    on weekdays from tomorrow for 30 days. The same plan (seeded) is used on both sides."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/New_York")
    rng = random.Random(7)
    today = datetime.now(tz).date()
    days = [today + timedelta(days=n) for n in range(1, 31) if (today + timedelta(days=n)).weekday() < 5]
    cells = [(s, d, h, m) for s in range(len(staff_ids)) for d in days for h in range(9, 17) for m in (0, 30)]
    chosen = rng.sample(cells, min(args.bookings, len(cells)))
    return [(staff_ids[s], datetime(d.year, d.month, d.day, h, m, tzinfo=tz).astimezone(UTC)) for s, d, h, m in chosen]


def measure_ours_in_process(args, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scheduling import slots

    day = bench_day(date.today())

    def one_day():
        return slots.open_slots(
            consultation_type=seeded["type"], location=seeded["location"], first_day=day, last_day=day
        )

    def horizon():
        return slots.open_slots(consultation_type=seeded["type"], location=seeded["location"])

    with CaptureQueriesContext(connection) as queries:
        found = one_day()
    result = {"day": day, "one_day": timings(one_day, args.iterations), "queries": len(queries)}
    result["one_day"]["slots"] = len(found.get(day, []))
    result["horizon"] = timings(horizon, max(10, args.iterations // 5))
    return result


# --- django-appointment ----------------------------------------------------------------------

APPOINTMENT_SETTINGS = """
import os
SECRET_KEY = "bench-appointment"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles", "appointment",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "appt_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["APPT_DB"],
    "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432", "CONN_MAX_AGE": 60}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "America/New_York"
STATIC_URL = "static/"
AUTH_USER_MODEL = "auth.User"
APPOINTMENT_WEBSITE_NAME = "Bench clinic"
"""

APPOINTMENT_URLS = """
from django.urls import include, path
urlpatterns = [path("appointment/", include("appointment.urls"))]
"""

APPOINTMENT_SCRIPT = r"""
import json, os, statistics, sys, time, datetime
import django
django.setup()
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from appointment.models import Appointment, AppointmentRequest, Config, Service, StaffMember, WorkingHours
from appointment.services import get_available_slots_for_staff
from appointment.utils.db_helpers import get_weekday_num_from_date

args = json.loads(sys.argv[1])
plan = args["plan"]
with transaction.atomic():
    Appointment.objects.all().delete(); AppointmentRequest.objects.all().delete()
    WorkingHours.objects.all().delete(); StaffMember.objects.all().delete(); Service.objects.all().delete()
    User.objects.all().delete(); Config.objects.all().delete()
    Config.objects.create(slot_duration=30, lead_time=datetime.time(9), finish_time=datetime.time(17),
                          appointment_buffer_time=0, website_name="Bench clinic")
    service = Service.objects.create(name="Consultation", duration=datetime.timedelta(minutes=20), price=0)
    staff = []
    for n in range(args["staff"]):
        user = User.objects.create(username=f"staff{n}", email=f"staff{n}@example.com", first_name=f"S{n}")
        member = StaffMember.objects.create(user=user, slot_duration=30, lead_time=datetime.time(9),
                                            finish_time=datetime.time(17))
        member.services_offered.add(service)
        for day in range(1, 6):  # Monday to Friday (0 is Sunday here)
            WorkingHours.objects.create(staff_member=member, day_of_week=day,
                                        start_time=datetime.time(9), end_time=datetime.time(17))
        staff.append(member)
    client = User.objects.create(username="client", email="client@example.com")
    for n, (s, day, hour, minute) in enumerate(plan):
        start = datetime.time(hour, minute)
        end = (datetime.datetime.combine(datetime.date.today(), start) + datetime.timedelta(minutes=20)).time()
        ar = AppointmentRequest.objects.create(date=datetime.date.fromisoformat(day), start_time=start,
                                               end_time=end, service=service, staff_member=staff[s])
        Appointment.objects.create(client=client, appointment_request=ar, phone="+12025550143")

day = datetime.date.fromisoformat(args["day"])
weekday = get_weekday_num_from_date(day)

def all_staff():
    return {m.pk: get_available_slots_for_staff(day, m, weekday, service=service) for m in staff}

def one_staff():
    return get_available_slots_for_staff(day, staff[0], weekday, service=service)

def timings(function, iterations):
    function()
    values = []
    for _ in range(iterations):
        started = time.perf_counter(); function(); values.append((time.perf_counter() - started) * 1000)
    ordered = sorted(values)
    return {"p50": statistics.median(values), "p95": ordered[int(0.95 * (len(ordered) - 1))],
            "per_second": 1000 / statistics.mean(values)}

with CaptureQueriesContext(connection) as queries:
    found = all_staff()
result = {"all_staff": timings(all_staff, args["iterations"]), "queries": len(queries),
          "slots": len(set().union(*[set(v) for v in found.values()])),
          "one_staff": timings(one_staff, args["iterations"]), "service": service.pk, "staff_id": staff[0].pk}
print("RESULT " + json.dumps(result))
"""


def run_appointment(args, plan, day, workdir, venv):
    python = Path(venv) / "bin" / "python"
    database_url = common.prepare_database(APPOINTMENT_DATABASE)
    (workdir / "appt_settings.py").write_text(APPOINTMENT_SETTINGS)
    (workdir / "appt_urls.py").write_text(APPOINTMENT_URLS)
    (workdir / "appt_measure.py").write_text(APPOINTMENT_SCRIPT)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(workdir),
        "DJANGO_SETTINGS_MODULE": "appt_settings",
        "APPT_DB": database_url.rsplit("/", 1)[1],
    }
    # django-appointment 3.12 ships no migrations: make them first, or its tables would be created
    # before auth_user and the migration would fail on a fresh virtualenv.
    for command in (["makemigrations", "appointment", "-v", "0"], ["migrate", "--no-input", "-v", "0"]):
        subprocess.run([python, "-m", "django", *command], cwd=workdir, env=env, check=True)
    payload = json.dumps({"plan": plan, "day": day.isoformat(), "staff": args.staff, "iterations": args.iterations})
    done = subprocess.run(
        [python, "appt_measure.py", payload], cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"django-appointment measurement failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    result = json.loads(line.removeprefix("RESULT "))
    return result, env, python


# --- Main ------------------------------------------------------------------------------------


def main():
    args = parse_args()
    rows = common.machine()
    common.print_machine(rows)
    database_url = common.prepare_database(DATABASE)
    redis_url = common.redis_url(REDIS_DB)
    common.flush_redis(redis_url)
    env = common.production_env(database_url=database_url, redis_url=redis_url, CONN_MAX_AGE=60)
    common.set_up_site(env)

    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    print(f"Seeding {args.staff} staff and {args.bookings} bookings ...")
    seeded = seed_ours(args)
    ours = measure_ours_in_process(args, seeded)
    day = ours["day"]

    venv = Path(args.appointment_venv)
    compare = (venv / "bin" / "python").exists()
    http = {}
    theirs = None
    page_path = f"/appointments/book/?day={day.isoformat()}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={seeded['session']}"
    ours["page_queries"] = page_queries(page_path, cookie)
    with common.workdir("bench-scheduling-") as tmp:
        port = common.free_port()
        web = common.start_gunicorn(env, app="clinic.wsgi", port=port, workers=args.workers, log_path=tmp / "web.log")
        try:
            # The page itself, not a redirect: the session is recognised and every open time is listed.
            status, html = fetch(port, page_path, {"Cookie": cookie})
            shown = html.count('type="radio" name="start"')
            if status != 200 or shown != ours["one_day"]["slots"]:
                sys.exit(
                    f"The booking page answered {status} with {shown} times, not 200 with {ours['one_day']['slots']}."
                )
            http["ours_page"] = common.run_wrk_with_cpu(
                web,
                f"http://127.0.0.1:{port}{page_path}",
                seconds=args.seconds,
                connections=args.connections,
                script=LUA,
                script_args=[f"Cookie: {cookie}"],
            )
        finally:
            web.stop()

        if compare:
            plan = [
                (s, start.astimezone(seeded["location"].tz).date().isoformat(), *_hm(start, seeded["location"].tz))
                for s, start in _plan_indices(args, seeded)
            ]
            print("Measuring django-appointment 3.12 ...")
            theirs, appt_env, python = run_appointment(args, plan, day, tmp, venv)
            port = common.free_port()
            (tmp / "appt_wsgi.py").write_text(
                "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
            )
            gunicorn = [str(python), "-m", "gunicorn", "appt_wsgi:application", "--bind", f"127.0.0.1:{port}"]
            process = common.Process([*gunicorn, "--workers", str(args.workers)], appt_env, tmp / "appt-web.log")
            try:
                service, staff_id = theirs["service"], theirs["staff_id"]
                slots_url = (
                    f"http://127.0.0.1:{port}/appointment/ajax/available_slots/"
                    f"?selected_date={day.isoformat()}&staff_member={staff_id}&service_id={service}"
                )
                page_url = f"http://127.0.0.1:{port}/appointment/request/{service}/"
                common.wait_until(lambda: common.answers(page_url), message="django-appointment under gunicorn")
                # Its slot endpoint answers only requests marked as AJAX.
                http["theirs_slots"] = common.run_wrk_with_cpu(
                    process,
                    slots_url,
                    seconds=args.seconds,
                    connections=args.connections,
                    script=LUA,
                    script_args=["X-Requested-With: XMLHttpRequest"],
                )
                http["theirs_page"] = common.run_wrk_with_cpu(
                    process, page_url, seconds=args.seconds, connections=args.connections, script=LUA
                )
            finally:
                process.stop()

    for key, result in http.items():
        result["statuses"] = common.wrk_statuses(result)
        if result["statuses"]["other"]:
            sys.exit(f"{key}: {result['statuses']['other']} answers were not 200:\n{result['output']}")
    fairness = {
        "ours": (settings.DATABASES["default"]["CONN_MAX_AGE"], settings.DEBUG),
        # Read from the settings django-appointment ran with.
        "theirs": (
            int(re.search(r'"CONN_MAX_AGE": (\d+)', APPOINTMENT_SETTINGS).group(1)),
            re.search(r"^DEBUG = (\w+)", APPOINTMENT_SETTINGS, re.MULTILINE).group(1) == "True",
        ),
    }
    body = report(args, rows, ours, theirs, http, fairness)
    print(body)
    common.update_results("scheduling", body)


def fetch(port: int, path: str, headers: dict) -> tuple[int, str]:
    """One GET that does not follow redirects: (status, body)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def page_queries(path: str, cookie: str) -> dict:
    """SQL queries of one booking page in-process: after a schedule change, and the next visit."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from scheduling import slots

    client = Client(HTTP_HOST="127.0.0.1")
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    slots.schedule_changed()
    counts = {}
    for visit in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        if status != 200:
            sys.exit(f"The booking page answered {status} in-process.")
        counts[visit] = len(queries)
    return counts


def _hm(start, tz):
    local = start.astimezone(tz)
    return local.hour, local.minute


def _plan_indices(args, seeded):
    ids = [member.pk for member in seeded["staff"]]
    return [(ids.index(staff_id), start) for staff_id, start in _booking_plan(args, staff_ids=ids)]


def report(args, rows, ours, theirs, http, fairness) -> str:
    lines = [
        "## Scheduling",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.scheduling"),
        "```",
        "",
        f"{args.staff} clinicians working Monday to Friday 9:00-17:00 (America/New_York), {args.bookings} booked "
        f"appointments over the next 30 days, a 20-minute consultation on a 30-minute grid; the day looked up "
        f"is {ours['day']:%A %Y-%m-%d}. In-process figures are over {args.iterations} lookups after one warm-up; "
        f"HTTP figures are `wrk` for {args.seconds} s with {args.connections} connections against gunicorn "
        f"({args.workers} sync workers, DEBUG off) on PostgreSQL, every answer counted by status (only 200 "
        "accepted: a redirect would mean the session was not recognised).",
        "",
        "Both sides are set up alike: the same data, the same gunicorn command and number of sync workers, "
        f"`CONN_MAX_AGE` {fairness['ours'][0]} (ours) and {fairness['theirs'][0]} (django-appointment), "
        f"`DEBUG` {fairness['ours'][1]} and {fairness['theirs'][1]}; django-appointment's migrations are made "
        "(`makemigrations appointment`) and applied before its data is loaded. Ours runs its production "
        "middleware (sessions, CSRF, CSP nonce, locale, WhiteNoise, axes) and reads the patient's session "
        "from PostgreSQL on every page; django-appointment's minimal project runs Django's default middleware.",
        "",
        "| Measure | p50 (ms) | p95 (ms) | per second | SQL queries |",
        "|---|---:|---:|---:|---:|",
        _row("Ours: open times of one day, all clinicians (`open_slots`)", ours["one_day"], ours["queries"]),
        _row("Ours: open times of the whole 30-day horizon", ours["horizon"], ours["queries"]),
    ]
    if theirs:
        lines += [
            _row(
                "django-appointment 3.12: one day, all clinicians (`get_available_slots_for_staff` each)",
                theirs["all_staff"],
                theirs["queries"],
            ),
            _row("django-appointment 3.12: one day, one clinician", theirs["one_staff"], ""),
        ]
    lines += [
        "",
        "| Over HTTP | requests/s | p50 (ms) | p99 (ms) | server CPU per request (ms) | answers not 200 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {
        "ours_page": (
            "Ours: booking page `/appointments/book/` (kept rendered in the cache, which every booking "
            "clears; the patient's reference, form token and script nonce filled in)"
        ),
        "theirs_slots": "django-appointment 3.12: `ajax/available_slots/` (one clinician, one day, JSON)",
        "theirs_page": "django-appointment 3.12: booking page `request/<service>/` (no slots computed with >1 staff)",
    }
    for key, name in names.items():
        if key in http:
            r = http[key]
            lines.append(
                f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['cpu_ms']:.2f} | "
                f"{r['statuses']['other']} |"
            )
    lines += [
        "",
        f"SQL queries of our booking page, in-process: {ours['page_queries']['cold']} on the first visit after a "
        f"schedule change, {ours['page_queries']['warm']} on the next (the session, and the request with whether "
        "it is booked).",
    ]
    goals = [
        (
            "Booking page SQL queries per visit (cache warm), whatever the staff and bookings",
            str(ours["page_queries"]["warm"]),
            "at most 3",
            ours["page_queries"]["warm"] <= 3,
        )
    ]
    if theirs:
        ratio = ours["one_day"]["per_second"] / theirs["all_staff"]["per_second"]
        lines += ["", f"One-day lookup for all clinicians: ours is {ratio:.1f} times django-appointment's throughput."]
        page_ratio = http["ours_page"]["rps"] / http["theirs_page"]["rps"]
        cpu_ratio = http["theirs_page"]["cpu_ms"] / http["ours_page"]["cpu_ms"]
        lines.append(
            f"Our booking page against django-appointment's: {page_ratio:.1f} times the requests/s, "
            f"{cpu_ratio:.1f} times less server CPU per request."
        )
        goals.insert(
            0,
            (
                "Booking page requests/s against django-appointment 3.12's, same run",
                f"{page_ratio:.1f}x",
                "3x",
                page_ratio >= 3,
            ),
        )
    else:
        lines += ["", "django-appointment was not measured (no virtualenv at `--appointment-venv`)."]
    table = common.goals_table(goals)
    print(table)
    lines += ["", table, "", "Machine and versions:", "", common.machine_markdown(rows)]
    return "\n".join(lines)


def _row(name, t, queries):
    return f"| {name} | {t['p50']:.2f} | {t['p95']:.2f} | {t['per_second']:.0f} | {queries} |"


if __name__ == "__main__":
    main()
