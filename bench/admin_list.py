"""The staff admin's list of consultation requests with 1,000,000 requests (most with an intake,
emails and a timeline), signed in as a superuser: the median time of the default list, filtered
lists and searches (by reference code, email, phone, part of a name), the number of SQL queries
each makes, and the plan of its slowest query. Each page aims at under 250 ms.

Runs in-process with Django's test client against PostgreSQL and Redis, DEBUG off.

    .venv/bin/python -m bench.admin_list [--requests 1000000] [--repeat 10]
"""

import argparse
import os
import re
import statistics
import time
from urllib.parse import urlencode

from bench import common
from booking.screening import SUMMARY_VERSION

PATH = "/admin/booking/consultationrequest/"
USERNAME = "bench-admin"


def set_up_django(env):
    os.environ.update(env)
    import django

    django.setup()


# --- Filling the database, in PostgreSQL itself -------------------------------------------
#
# A million rows made as Python objects take many minutes; INSERT ... SELECT over
# generate_series takes well under one. Each value is derived from the row's id through
# hashint8, so a run is reproducible and every step adds only what is missing.

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# A bijection of the ids onto 31**8 codes (the multiplier is prime to 31): every id has its own code.
REFERENCE_SPACE = 31**8
REFERENCE_MULTIPLIER = 1_103_515_245
FIRST_NAMES = [
    "Dana",
    "Maria",
    "James",
    "Aisha",
    "Wei",
    "Olga",
    "Carlos",
    "Priya",
    "Samuel",
    "Fatima",
    "Noah",
    "Lucia",
    "Tomasz",
    "Grace",
    "Mateo",
    "Hannah",
    "Yusuf",
    "Elena",
    "Kwame",
    "Sofia",
    "Liam",
    "Mei",
    "Diego",
    "Ruth",
    "Arjun",
    "Chloe",
    "Omar",
    "Ingrid",
    "Luis",
    "Naomi",
]
LAST_NAMES = [
    "Whitfield",
    "Okafor",
    "Nguyen",
    "Garcia",
    "Smith",
    "Kowalski",
    "Haddad",
    "Johansson",
    "Patel",
    "Moreau",
    "Rossi",
    "Tanaka",
    "Mensah",
    "Schneider",
    "Lopez",
    "Brennan",
    "Ivanova",
    "Castillo",
    "Abernathy",
    "Osei",
    "Fischer",
    "Dubois",
    "Reyes",
    "Novak",
    "Hughes",
    "Barros",
    "Kim",
    "Sandoval",
    "Delacroix",
    "Farouk",
    "Lindqvist",
    "Mbeki",
    "Ortega",
    "Petrov",
    "Quinn",
    "Romero",
    "Sato",
    "Thornton",
    "Underwood",
    "Vasquez",
]
AREA_CODES = ["202", "617", "312", "415", "713", "305"]


def _sql_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def _reference_sql(id_sql: str) -> str:
    x = f"(({id_sql}) * {REFERENCE_MULTIPLIER} + 12345) %% {REFERENCE_SPACE}"
    digits = [f"substr('{REFERENCE_ALPHABET}', (({x}) / {31**k} %% 31)::int + 1, 1)" for k in range(8)]
    return " || ".join(digits[:4]) + " || '-' || " + " || ".join(digits[4:])


def _pick(values, id_sql: str, salt: int) -> str:
    return f"({_sql_array(values)})[1 + abs(hashint8({id_sql} * 31 + {salt})) %% {len(values)}]"


def _share(id_sql: str, salt: int) -> str:
    """A number from 0 to 99 that looks random and is the same for the same id on every run."""
    return f"(abs(hashint8({id_sql} * 17 + {salt})) %% 100)"


# One request a minute, the newest last (about two years for a million). As in a clinic that
# has run for years, most are closed: of the last two weeks, 85% are still open (35% new); of
# the weeks before, up to 90 days old, 10%; of older ones, 0.3% (contacted, never closed),
# with 10 to 15% not a fit. 1% are urgent.
STATUS_SQL = """CASE
    WHEN {age} < 14 * 1440 THEN CASE
        WHEN {s} < 35 THEN 'new' WHEN {s} < 60 THEN 'contacted' WHEN {s} < 75 THEN 'intake_received'
        WHEN {s} < 85 THEN 'consultation_scheduled' WHEN {s} < 95 THEN 'not_a_fit' ELSE 'closed' END
    WHEN {age} < 90 * 1440 THEN CASE
        WHEN {s} < 3 THEN 'new' WHEN {s} < 6 THEN 'contacted' WHEN {s} < 8 THEN 'intake_received'
        WHEN {s} < 10 THEN 'consultation_scheduled' WHEN {s} < 30 THEN 'not_a_fit' ELSE 'closed' END
    ELSE CASE
        WHEN {s1000} < 3 THEN 'contacted' WHEN {s} < 15 THEN 'not_a_fit' ELSE 'closed' END
    END"""

REQUESTS_SQL = """
INSERT INTO booking_consultationrequest (
    id, reference, first_name, last_name, email, phone, date_of_birth, preferred_contact, best_times,
    interest, has_prescriber, insurance_carrier, heard_about, message, consent_to_contact,
    privacy_acknowledged_at, language, source_article, status, urgent, alert_level, free_text_review,
    free_text_flags, created_at, updated_at, first_contacted_at
)
SELECT n, {reference}, {first}, {last},
    -- as typed: some with capitals, which the search must still find
    CASE WHEN {share_case} < 30 THEN initcap({first}) || '.' || {last} || n || '@Example.com'
         ELSE lower({first}) || '.' || lower({last}) || n || '@example.com' END,
    '+1' || {area} || '555' || lpad((n %% 10000)::text, 4, '0'),
    DATE '1950-01-01' + (abs(hashint8(n * 13)) %% 18000)::int,
    {contact}, '["morning"]'::jsonb, {interest}, {prescriber}, 'Bluepeak Mutual', 'search', '',
    true, at, CASE WHEN {share_lang} < 15 THEN 'es' ELSE 'en' END, '', status,
    {share_urgent} = 0, CASE WHEN {share_urgent} = 0 THEN 'same_day' ELSE 'none' END, false, '[]'::jsonb,
    at, at, CASE WHEN status = 'new' THEN NULL ELSE at + interval '1 day' END
FROM (
    SELECT n, {status} AS status, %(now)s::timestamptz - (%(newest)s - n) * interval '1 minute' AS at
    FROM generate_series(%(first_id)s::bigint, %(last_id)s::bigint) AS n
) AS fresh
ON CONFLICT DO NOTHING
"""

# 90% of requests have an intake, two thirds of those sent; the rest stopped at a step.
INTAKES_SQL = """
INSERT INTO booking_intake (
    request_id, furthest_step, started_at, updated_at, submitted_at, diagnosis, episode_length,
    current_prescriber, current_medicines, psychotherapy_kind, psychotherapy_length, prior_ect_outcome,
    prior_tms_outcome, prior_ketamine_outcome, other_treatments_notes, phq9, safety, confirmed_accurate,
    screening, screening_version, phq9_total, phq9_band, has_safety_flags, has_contraindication, tms_outcome,
    tms_policy_key,
    spravato_outcome, spravato_policy_key, asq, asq_outcome
)
SELECT r.id, CASE WHEN sent THEN 6 ELSE 1 + r.id %% 5 END, r.created_at, r.created_at,
    CASE WHEN sent THEN r.created_at + interval '1 hour' END, 'major_depression', 'gt2y',
    '', '', '', '', '', '', '', '',
    CASE WHEN sent THEN jsonb_build_array(r.id %% 4, r.id %% 3, 2, 1, r.id %% 4, 1, 2, r.id %% 2, 0) ELSE '[]' END,
    '{{}}'::jsonb, sent, '{{}}'::jsonb, %(version)s,
    CASE WHEN sent THEN 9 + (r.id %% 4) + (r.id %% 3) + (r.id %% 4) + (r.id %% 2) END,
    CASE WHEN sent THEN 'moderate' ELSE '' END,
    sent AND {share_safety} < 5, sent AND {share_contra} < 3,
    CASE WHEN NOT sent THEN '' WHEN {share_tms} < 40 THEN 'likely_met' WHEN {share_tms} < 80 THEN 'not_yet_met'
         ELSE 'cannot_tell' END, '',
    CASE WHEN NOT sent THEN '' WHEN {share_sprav} < 50 THEN 'likely_met' ELSE 'cannot_tell' END, '',
    '[]'::jsonb, ''
FROM (
    SELECT r.*, {share_sent} < 67 AS sent FROM booking_consultationrequest r
    WHERE r.id > %(after)s AND {share_intake} < 90
) AS r
"""

# Every request has its two emails (the patient's confirmation, the staff notice), a third
# when the intake came in; the timeline has one entry per email and one per change of status.
EMAILS_SQL = """
INSERT INTO booking_email (
    request_id, kind, sequence, recipients, status, attempts, last_error, claimed_by, created_at,
    sent_at, context, delivery_status, provider_id
)
SELECT r.id, kind.name, 1, jsonb_build_array(CASE WHEN kind.name LIKE 'staff%%' THEN 'staff@clinic.example'
    ELSE r.email END), 'sent', 1, '', '', r.created_at, r.created_at + interval '5 seconds', '{}'::jsonb, '', ''
FROM booking_consultationrequest r
CROSS JOIN (VALUES ('request_received'), ('staff_new_request')) AS kind (name)
WHERE r.id > %(after)s
UNION ALL
SELECT i.request_id, 'intake_received', 1, '["patient@example.com"]'::jsonb, 'sent', 1, '', '',
    i.submitted_at, i.submitted_at, '{}'::jsonb, '', ''
FROM booking_intake i WHERE i.request_id > %(after)s AND i.submitted_at IS NOT NULL
"""

EVENTS_SQL = """
INSERT INTO booking_requestevent (request_id, at, kind, from_status, to_status, text)
SELECT r.id, r.created_at, 'email', '', '', 'Request received email sent'
FROM booking_consultationrequest r WHERE r.id > %(after)s
UNION ALL
SELECT r.id, r.first_contacted_at, 'status', 'new', r.status, ''
FROM booking_consultationrequest r WHERE r.id > %(after)s AND r.status <> 'new'
"""


def _after(cursor, table: str) -> int:
    """The last request that already has its rows in this table (filled in id order)."""
    cursor.execute(f"SELECT coalesce(max(request_id), 0) FROM {table}")
    return cursor.fetchone()[0]


def mark_summaries_current(database_url: str):
    """Starting the site recomputes every screening summary written by older rules, one intake
    at a time: hours for the 900,000 made here. Their summaries are made up anyway, so they are
    marked as written by the current rules before the site starts."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT to_regclass('booking_intake')").fetchone()[0]
        if exists:
            conn.execute(
                "UPDATE booking_intake SET screening_version = %s WHERE screening_version IS DISTINCT FROM %s",
                [SUMMARY_VERSION, SUMMARY_VERSION],
            )


def fill(target: int, batch: int) -> dict:
    """Add what is missing up to ``target`` requests, then their intakes, emails and timeline."""
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.monotonic()
    share = {f"share_{name}": _share("n", salt) for salt, name in enumerate(["case", "lang", "urgent"], 1)}
    requests_sql = REQUESTS_SQL.format(
        reference=_reference_sql("n"),
        first=_pick(FIRST_NAMES, "n", 1),
        last=_pick(LAST_NAMES, "n", 2),
        area=_pick(AREA_CODES, "n", 3),
        contact=_pick(["phone", "text", "email"], "n", 4),
        interest=_pick(["tms", "spravato", "not_sure"], "n", 5),
        prescriber=_pick(["yes", "no"], "n", 6),
        status=STATUS_SQL.format(s=_share("n", 7), s1000="(abs(hashint8(n * 17 + 8)) %% 1000)", age="(%(newest)s - n)"),
        **share,
    )
    intake_shares = ["safety", "contra", "tms", "sprav", "sent", "intake"]
    intakes_sql = INTAKES_SQL.format(
        **{f"share_{name}": _share("r.id", salt) for salt, name in enumerate(intake_shares, 11)}
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM booking_consultationrequest")
        count, last = cursor.fetchone()
        newest = last + max(target - count, 0)  # the id of the request made "now"
        while True:
            cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM booking_consultationrequest")
            count, last = cursor.fetchone()
            if count >= target:
                break
            first_id, last_id = last + 1, last + min(batch, target - count)
            with transaction.atomic():
                cursor.execute(requests_sql, {"now": now, "newest": newest, "first_id": first_id, "last_id": last_id})
            print(f"  {count + cursor.rowcount:,} requests ({time.monotonic() - started:.0f} s)")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('booking_consultationrequest', 'id'), "
            "(SELECT max(id) FROM booking_consultationrequest))"
        )
        for table, sql in [("booking_intake", intakes_sql), ("booking_email", EMAILS_SQL)]:
            after = _after(cursor, table)
            if after < last:
                with transaction.atomic():
                    cursor.execute(sql, {"after": after, "version": SUMMARY_VERSION})
                print(f"  {cursor.rowcount:,} rows added to {table} ({time.monotonic() - started:.0f} s)")
        after = _after(cursor, "booking_requestevent")
        if after < last:
            with transaction.atomic():
                cursor.execute(EVENTS_SQL, {"after": after})
            print(f"  {cursor.rowcount:,} rows added to booking_requestevent ({time.monotonic() - started:.0f} s)")
        # As autovacuum would have done by now on a live server: statistics and visibility maps.
        for table in ["booking_consultationrequest", "booking_intake", "booking_email", "booking_requestevent"]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        counts = {}
        for table in ["booking_consultationrequest", "booking_intake", "booking_email", "booking_requestevent"]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    print(f"  filled and analysed in {time.monotonic() - started:.0f} s")
    return counts


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


AIM_MS = 250
INDEX = "index"  # a page that lists no requests


def cases(path: str):
    """What staff do on the list, each with the rows it must show (None: any first page)."""
    from django.db.models import Max, Min

    from booking.models import ConsultationRequest

    R = ConsultationRequest
    bounds = R.objects.aggregate(low=Min("id"), high=Max("id"))
    middle = R.objects.filter(id__gte=(bounds["low"] + bounds["high"]) // 2).order_by("id").first()
    named = R.objects.filter(id__gte=bounds["high"] - 1000, email__regex="[A-Z]").order_by("id").first()

    def search(text):
        return f"{path}?{urlencode({'q': text})}"

    return [
        ("Default list (urgent first)", path, None),
        ("Filtered: status New", f"{path}?status__exact=new", None),
        ("Filtered: status Closed", f"{path}?status__exact=closed", None),
        ("Filtered: TMS criteria likely met", f"{path}?tms=likely_met", None),
        ("Search: reference code (typed in lower case)", search(middle.reference.lower()), [middle.reference]),
        ("Search: full email (typed in another case)", search(named.email.swapcase()), [named.reference]),
        ("Search: phone number as typed", search(named.phone.as_national), None),
        ("Search: part of a last name", search(named.last_name[1:6].lower()), None),
        ("Search: first two letters of a name", search(named.first_name[:2].lower()), None),
        ("Search: a name nobody has", search("zzyzxq"), []),
        # The page staff open first: its counts of open requests read every open one.
        ("Admin index (what needs attention)", "/admin/", INDEX),
    ]


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def measure(client, label, url, expected, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(
                f"GET {url} answered {response.status_code} {response.get('Location', '')}: the admin's "
                "sign-in may have changed; see signed_in_client() in bench/admin_list.py."
            )
        return response

    get()  # warm-up: connections, templates, caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = get()
    html = response.content.decode()
    rows = html.count('name="_selected_action"')
    if expected == INDEX:
        if "booking/consultationrequest/" not in html:
            raise SystemExit(f"{label}: the page has no link to the requests")
    elif expected is not None:
        shown = re.findall(r'/change/[^"]*">([A-Z2-9]{4}-[A-Z2-9]{4})</a>', html)
        if sorted(shown) != sorted(expected):
            raise SystemExit(f"{label}: expected {expected}, the page shows {shown}")
    elif rows == 0:
        raise SystemExit(f"{label}: the page shows no requests")
    queries = captured.captured_queries
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    selects = [q for q in slowest if q["sql"].lstrip().upper().startswith("SELECT")]
    result = {
        "label": label,
        "url": url,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "queries": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
        "rows": rows,
        "slowest": slowest,
        "plan": explain(selects[0]["sql"]) if selects else [],
    }
    print(
        f"  {label}: median {result['median']:.0f} ms over {repeat} GETs, {result['queries']} queries "
        f"({result['sql_ms']:.0f} ms of SQL), {rows} rows shown"
    )
    for query in slowest[:2]:
        print(f"      {float(query['time']) * 1000:.1f} ms  {short_sql(query['sql'])[:200]}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000, help="consultation requests in the database")
    parser.add_argument("--batch", type=int, default=250_000, help="requests added per INSERT ... SELECT")
    parser.add_argument("--repeat", type=int, default=10, help="timed GETs of each page")
    parser.add_argument("--path", default=PATH)
    parser.add_argument("--database", default="clinic_bench_admin")
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()

    rows = common.machine()
    common.print_machine(rows)
    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    database_url = common.prepare_database(args.database)
    mark_summaries_current(database_url)
    env = common.production_env(
        database_url=database_url,
        redis_url=redis_url,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    # collectstatic too: the admin pages name their static files through the manifest.
    common.set_up_site(env)
    set_up_django(env)

    print(f"Filling the database to {args.requests:,} requests ...")
    counts = fill(args.requests, args.batch)
    client, verified = signed_in_client()
    results = [measure(client, label, url, expected, args.repeat) for label, url, expected in cases(args.path)]
    write_results(args, rows, counts, results, verified)


def short_sql(sql: str) -> str:
    """A query without its column list and long literals (session data), on one line."""
    sql = " ".join(sql.split())
    sql = re.sub(r"^SELECT (DISTINCT )?.+? FROM ", r"SELECT \1... FROM ", sql, count=1)
    return re.sub(r"'[\w.:-]{30,}'", "'...'", sql)


def write_results(args, rows, counts, results, verified):
    requests = counts["booking_consultationrequest"]
    lines = [
        f"## Admin list of consultation requests at {requests:,} requests",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.admin_list"),
        "```",
        "",
        f"`GET {args.path}` with each query below, as a superuser ({verified}), with Django's test client "
        "in the benchmark's process (no HTTP server), DEBUG off, PostgreSQL and the Redis cache. The database "
        f"holds {requests:,} requests, {counts['booking_intake']:,} intakes, {counts['booking_email']:,} emails "
        f"and {counts['booking_requestevent']:,} timeline entries, made by `INSERT ... SELECT` over "
        f"`generate_series`, vacuumed and analysed. Each page: {args.repeat} timed GETs after one of warm-up; "
        "the queries are counted on one more GET with `CaptureQueriesContext`, and the searches are checked to "
        "show the request they look for and only it. Every GET is audited, as for staff.",
        "",
        "| Goal | Measured | Aim | Met |",
        "|---|---:|---:|---|",
    ]
    for result in results:
        # Judged on the figure as shown: "250 ms" is not under 250 ms.
        met = "yes" if round(result["median"]) < AIM_MS else "no"
        lines.append(f"| {result['label']} | {result['median']:.0f} ms | < {AIM_MS} ms | {met} |")
    lines += [
        "",
        "| Page | Query | Median (ms) | Min (ms) | Max (ms) | SQL queries | SQL time (ms) | Rows shown |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        query = result["url"].partition("?")[2] or "(none)"
        lines.append(
            f"| {result['label']} | `{query}` | {result['median']:.0f} | {result['min']:.0f} | {result['max']:.0f} "
            f"| {result['queries']} | {result['sql_ms']:.1f} | {result['rows']} |"
        )
    lines += ["", "Slowest queries of each page, and the plan of its slowest SELECT (`EXPLAIN (ANALYZE, BUFFERS)`):"]
    for result in results:
        lines += ["", f"**{result['label']}**", ""]
        for query in result["slowest"]:
            sql = short_sql(query["sql"])
            lines.append(f"- {float(query['time']) * 1000:.1f} ms: `{sql[:300]}{'...' if len(sql) > 300 else ''}`")
        if result["plan"]:
            lines += ["", "```", *[line[:160] for line in result["plan"][:14]], "```"]
    lines += ["", "Machine and versions:", "", common.machine_markdown(rows)]
    common.update_results("admin-list", "\n".join(lines))


if __name__ == "__main__":
    main()
