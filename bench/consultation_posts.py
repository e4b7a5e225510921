"""Consultation form POSTs per second through gunicorn, with the real PostgreSQL and Redis
and the Celery publish after each commit (no worker runs: the emails stay queued and are counted).

    .venv/bin/python -m bench.consultation_posts [--seconds 15] [--connections 8] [--workers 3]
"""

import argparse
import random
import time
import urllib.parse
from pathlib import Path

from bench import common

LUA = Path(__file__).with_name("consultation_post.lua")
# booking.forms.STARTED_SALT; a mismatch shows as requests discarded as automated (no rows).
STARTED_SALT = "booking.consultation-form.started"


def signed_started() -> str:
    from django.core import signing

    signer = signing.TimestampSigner(key=common.SECRET_KEY, fallback_keys=[], salt=STARTED_SALT)
    return signer.sign_object(time.time() - 60)


def counts(database_url, redis_url) -> dict:
    import psycopg
    import redis

    with psycopg.connect(database_url) as conn:
        requests = conn.execute("SELECT count(*) FROM booking_consultationrequest").fetchone()[0]
        emails = conn.execute("SELECT count(*) FROM booking_email").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM booking_intakelink").fetchone()[0]
    # Celery's Redis transport keeps the default queue as a list named "celery".
    queued = redis.Redis.from_url(redis_url).llen("celery")
    return {"requests": requests, "emails": emails, "links": links, "queued": queued}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15, help="length of the measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before it")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database", default="clinic_bench_posts")
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()

    common.ensure_tool("wrk", "wrk")
    rows = common.machine()
    common.print_machine(rows)

    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    database_url = common.prepare_database(args.database)
    env = common.production_env(
        database_url=database_url,
        redis_url=redis_url,
        CONSULTATION_MIN_FILL_SECONDS=0,
        CONSULTATION_RATE_LIMIT=10**9,
    )
    common.set_up_site(env)
    import psycopg

    with psycopg.connect(database_url) as conn:
        # This benchmark's own database: start each run from an empty table.
        conn.execute("TRUNCATE booking_consultationrequest CASCADE")

    with common.workdir("bench-posts-") as tmp:
        port = common.free_port()
        web = common.start_gunicorn(env, app="clinic.wsgi", port=port, workers=args.workers, log_path=tmp / "web.log")
        try:
            # One request the way a browser makes it (GET the form, POST it back) proves the set-up.
            status, location = common.submit_form_as_browser(port, 0)
            if status != 302 or not location.endswith("/consultation/thanks/"):
                raise SystemExit(f"The form did not accept a browser's submission: {status} {location}")

            url = f"http://127.0.0.1:{port}/consultation/"
            script_args = [
                urllib.parse.quote(signed_started(), safe=""),
                str(random.randrange(1, 2**31)),
                common.PRODUCTION_CSRF_COOKIE,
            ]
            wrk = {"connections": args.connections, "threads": args.threads, "script": LUA}
            if args.warmup:
                common.run_wrk(url, seconds=args.warmup, script_args=script_args, **wrk)
            time.sleep(1)
            before = counts(database_url, redis_url)
            script_args[1] = str(int(script_args[1]) + 1)
            print(f"Measuring POST /consultation/ for {args.seconds} s ...")
            result = common.run_wrk_with_cpu(web, url, seconds=args.seconds, script_args=script_args, **wrk)
            # Let the requests still in flight when wrk stopped finish.
            time.sleep(2)
            after = counts(database_url, redis_url)
        finally:
            web.stop()
            # Nothing will ever consume the queued tasks: leave this Redis database empty.
            common.flush_redis(redis_url)

    statuses = dict(part.split("=") for part in result["output"].split("bench-statuses: ")[1].split()[:2])
    made = {key: after[key] - before[key] for key in after}
    print(
        f"  {result['rps']:.0f} POSTs/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
        f"{result['cpu_ms']:.2f} ms of server CPU per POST"
    )
    print(f"  statuses {statuses}; created {made}")
    if int(statuses["other"]) or made["requests"] < result["requests"]:
        raise SystemExit(f"Some POSTs were not saved: {statuses}, {made}, wrk:\n{result['output']}{result['stderr']}")
    write_results(args, rows, result, made, statuses)


def goals(result, made, statuses) -> str:
    answered = int(statuses["302"])
    # Each request once: as many rows as answers (plus the few in flight), each with its intake
    # link, its two outbox rows and their two published tasks.
    once = (
        answered <= made["requests"] <= answered + 50
        and made["links"] == made["requests"]
        and made["emails"] == made["queued"] == 2 * made["requests"]
    )
    return common.goals_table(
        [
            (
                "Consultation POSTs per second (3 sync workers, 2 cores)",
                f"{result['rps']:.0f}",
                "300",
                result["rps"] >= 300,
            ),
            ("Consultation POST p99 latency", f"{result['p99']:.1f} ms", "under 100 ms", result["p99"] < 100),
            (
                "Every POST saved once, with its intake link, two emails and their two queued tasks",
                f"{answered:,} answered 302, {made['requests']:,} saved, {made['emails']:,} emails, "
                f"{made['queued']:,} queued",
                "all",
                once and not int(statuses["other"]),
            ),
        ]
    )


def write_results(args, rows, result, made, statuses):
    table = goals(result, made, statuses)
    print(table)
    lines = [
        "## Consultation form POSTs",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.consultation_posts"),
        "```",
        "",
        f"`POST /consultation/` with `wrk --latency -t{args.threads} -c{args.connections} -d{args.seconds}s "
        f"-s bench/consultation_post.lua` after {args.warmup} s of warm-up, against gunicorn "
        f"(`clinic.wsgi`, {args.workers} sync workers, DEBUG off) on PostgreSQL and Redis. Every POST is a "
        "new valid form: its own CSRF cookie and masked token, `submission_token` and email address "
        "(`CONSULTATION_MIN_FILL_SECONDS=0`, `CONSULTATION_RATE_LIMIT` out of reach). Each one runs the "
        "rate-limit count in Redis, saves the request, its intake link and two `Email` rows in one "
        "transaction, writes the session, publishes two Celery tasks to Redis after the commit, and "
        "answers 302. No worker runs, so the published tasks stay in the queue and are counted.",
        "",
        "| POSTs/s | p50 (ms) | p99 (ms) | POSTs (wrk) | 302 | Other | Requests saved | Email rows | "
        "Tasks queued in Redis |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['rps']:,.1f} | {result['p50']:.1f} | {result['p99']:.1f} | {result['requests']:,} | "
        f"{int(statuses['302']):,} | {statuses['other']} | {made['requests']:,} | {made['emails']:,} | "
        f"{made['queued']:,} |",
        "",
        "Requests saved can exceed the POSTs wrk counted by the few still in flight when it stopped. "
        f"The gunicorn workers used {result['cpu_ms']:.2f} ms of CPU per POST (PostgreSQL, Redis and wrk "
        "not counted).",
        "",
        table,
        "",
        "Machine and versions:",
        "",
        common.machine_markdown(rows),
    ]
    common.update_results("consultation-posts", "\n".join(lines))


if __name__ == "__main__":
    main()
