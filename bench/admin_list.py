"""The staff admin's list of consultation requests with 100,000 requests (most with an intake),
signed in as a superuser: median time of the page and the number of SQL queries it makes.

Runs in-process with Django's test client against PostgreSQL and Redis, DEBUG off.

    .venv/bin/python -m bench.admin_list [--requests 100000] [--repeat 20]
"""

import argparse
import os
import random
import re
import statistics
import time
from datetime import date, timedelta

from bench import common

PATH = "/admin/booking/consultationrequest/"
USERNAME = "bench-admin"


def set_up_django(env):
    os.environ.update(env)
    import django

    django.setup()


def unique_references(count, taken):
    from booking.models import new_reference

    made = set()
    while len(made) < count:
        reference = new_reference()
        if reference not in taken:
            made.add(reference)
    return list(made)


def fill(target: int, batch: int):
    """Bulk-create requests (90% with an intake, two thirds of those submitted) up to ``target``."""
    from django.db import transaction
    from django.utils import timezone

    from booking.models import ConsultationRequest, Intake

    R = ConsultationRequest
    existing = R.objects.count()
    if existing >= target:
        print(f"{existing:,} requests already in the database.")
        return existing
    rng = random.Random(7)
    now = timezone.now()
    statuses = [s for s, _ in R.Status.choices]
    references = unique_references(target - existing, set(R.objects.values_list("reference", flat=True)))
    started = time.monotonic()
    for offset in range(0, target - existing, batch):
        chunk = references[offset : offset + batch]
        requests = []
        for n, reference in enumerate(chunk, start=existing + offset):
            requests.append(
                R(
                    reference=reference,
                    first_name=f"Patient{n}",
                    last_name=rng.choice(["Whitfield", "Okafor", "Nguyen", "Garcia", "Smith", "Kowalski"]),
                    email=f"patient{n}@example.com",
                    phone="+12025550143",
                    date_of_birth=date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                    preferred_contact=rng.choice(["phone", "text", "email"]),
                    best_times=["morning"],
                    interest=rng.choice(["tms", "spravato", "not_sure"]),
                    has_prescriber=rng.choice(["yes", "no"]),
                    insurance_carrier="Bluepeak Mutual",
                    heard_about="search",
                    consent_to_contact=True,
                    privacy_acknowledged_at=now,
                    status=rng.choice(statuses),
                    urgent=rng.random() < 0.01,
                    created_at=now - timedelta(minutes=5 * n),
                )
            )
        with transaction.atomic():
            created = R.objects.bulk_create(requests, batch_size=5000)
            intakes = []
            for request in created:
                if rng.random() < 0.9:
                    submitted = rng.random() < 2 / 3
                    phq9 = [rng.randint(0, 3) for _ in range(9)] if submitted else []
                    total = sum(phq9) if submitted else None
                    intakes.append(
                        Intake(
                            request=request,
                            furthest_step=6 if submitted else rng.randint(1, 5),
                            started_at=request.created_at,
                            submitted_at=request.created_at + timedelta(hours=1) if submitted else None,
                            diagnosis="major_depression",
                            episode_length="gt2y",
                            phq9=phq9,
                            phq9_total=total,
                            phq9_band=("severe" if total >= 20 else "moderate") if submitted else "",
                            tms_outcome=rng.choice(["likely_met", "not_yet_met", "cannot_tell"]) if submitted else "",
                            spravato_outcome=rng.choice(["likely_met", "cannot_tell"]) if submitted else "",
                            has_safety_flags=submitted and rng.random() < 0.05,
                            confirmed_accurate=submitted,
                        )
                    )
            Intake.objects.bulk_create(intakes, batch_size=5000)
        done = existing + offset + len(chunk)
        print(f"  {done:,} requests ({time.monotonic() - started:.0f} s)")
    return R.objects.count()


def signed_in_client():
    """A test client signed in as a superuser, OTP-verified when django_otp is installed
    (the admin may require a second factor: ADMIN_REQUIRE_2FA)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, "bench-admin@example.com", None)
    client = Client()
    # The model backend by name: an authentication backend listed first (django-axes) may not load users.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    verified = "no second factor installed"
    if apps.is_installed("django_otp"):
        from django_otp import DEVICE_ID_SESSION_KEY

        device = None
        if apps.is_installed("django_otp.plugins.otp_totp"):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        else:
            from django_otp.plugins.otp_static.models import StaticDevice

            device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        # What django_otp.login() stores once a code has been checked.
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        verified = f"session OTP-verified with a {type(device).__name__}"
    return client, verified


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000, help="consultation requests in the database")
    parser.add_argument("--batch", type=int, default=25_000, help="requests per bulk_create transaction")
    parser.add_argument("--repeat", type=int, default=20, help="timed GETs of the list")
    parser.add_argument("--path", default=PATH)
    parser.add_argument("--database", default="clinic_bench_admin")
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()

    rows = common.machine()
    common.print_machine(rows)
    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    env = common.production_env(
        database_url=common.prepare_database(args.database),
        redis_url=redis_url,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    # collectstatic too: the admin pages name their static files through the manifest.
    common.set_up_site(env)
    set_up_django(env)

    print(f"Filling the database to {args.requests:,} requests ...")
    total = fill(args.requests, args.batch)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from booking.models import Intake

    intakes = Intake.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client, verified = signed_in_client()

    def get():
        response = client.get(args.path)
        if response.status_code != 200:
            raise SystemExit(
                f"GET {args.path} answered {response.status_code} {response.get('Location', '')}: the admin's "
                "sign-in may have changed; see signed_in_client() in bench/admin_list.py."
            )
        return response

    for _ in range(3):
        get()  # warm-up: connections, templates, caches
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = get()
    queries = captured.captured_queries
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]

    median = statistics.median(times)
    print(f"  median {median:.0f} ms over {args.repeat} GETs, {len(queries)} queries ({sql_ms:.0f} ms of SQL)")
    for query in slowest:
        print(f"    {float(query['time']) * 1000:.1f} ms  {short_sql(query['sql'])[:300]}")
    write_results(args, rows, total, intakes, times, queries, sql_ms, slowest, len(response.content), verified)


def short_sql(sql: str) -> str:
    """A query without its column list and long literals (session data), on one line."""
    sql = " ".join(sql.split())
    sql = re.sub(r"^SELECT (DISTINCT )?.+? FROM ", r"SELECT \1... FROM ", sql, count=1)
    return re.sub(r"'[\w.:-]{30,}'", "'...'", sql)


def write_results(args, rows, total, intakes, times, queries, sql_ms, slowest, size, verified):
    lines = [
        "## Admin list of consultation requests at 100,000 requests",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.admin_list"),
        "```",
        "",
        f"`GET {args.path}` as a superuser ({verified}), with Django's test client in the benchmark's "
        f"process (no HTTP server), DEBUG off, PostgreSQL and the Redis cache. The database holds "
        f"{total:,} requests and {intakes:,} intakes, made with `bulk_create` and analysed. "
        f"{args.repeat} timed GETs after 3 of warm-up; the queries are counted on one more GET with "
        "`CaptureQueriesContext`.",
        "",
        "| Median (ms) | Min (ms) | Max (ms) | SQL queries | SQL time (ms) | Page size |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} | {len(queries)} | "
        f"{sql_ms:.0f} | {size / 1024:.0f} KiB |",
        "",
        "Slowest queries of that GET:",
        "",
    ]
    for query in slowest:
        sql = short_sql(query["sql"])
        lines.append(f"- {float(query['time']) * 1000:.1f} ms: `{sql[:400]}{'...' if len(sql) > 400 else ''}`")
    lines += ["", "Machine and versions:", "", common.machine_markdown(rows)]
    common.update_results("admin-list", "\n".join(lines))


if __name__ == "__main__":
    main()
