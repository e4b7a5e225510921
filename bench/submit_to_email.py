"""Time from submitting the consultation form to the confirmation email being accepted by an
SMTP server, through gunicorn, PostgreSQL, Redis and a real Celery worker process.

    .venv/bin/python -m bench.submit_to_email [--submissions 50] [--workers 3] [--concurrency 2]
"""

import argparse
import statistics
import threading
import time

from bench import common
from booking.tests.services import Mailbox, start_smtp


class TimedMailbox(Mailbox):
    """Keeps, with each accepted message, the moment the server accepted it."""

    def __init__(self):
        super().__init__()
        self.arrivals = []  # (monotonic time, recipient)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        accepted = time.monotonic()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.arrivals.append((accepted, recipient))
        return await super().handle_DATA(server, session, envelope)

    def first_after(self, since, recipient):
        with self.lock:
            return next((t for t, r in self.arrivals if t >= since and r == recipient), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3, help="submissions sent first and not counted")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--database", default="clinic_bench_email")
    parser.add_argument("--redis-db", type=int, default=13)
    args = parser.parse_args()

    rows = common.machine()
    common.print_machine(rows)

    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    database_url = common.prepare_database(args.database)
    mailbox = TimedMailbox()
    smtp_port = common.free_port()
    env = common.production_env(
        database_url=database_url,
        redis_url=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        CONSULTATION_MIN_FILL_SECONDS=0,
        CONSULTATION_RATE_LIMIT=10**9,
    )
    common.set_up_site(env)
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute("TRUNCATE booking_consultationrequest CASCADE")

    patient, staff, answered = [], [], []
    with common.workdir("bench-email-") as tmp:
        smtp = start_smtp(smtp_port, mailbox)
        processes = []
        try:
            web_port = common.free_port()
            processes.append(
                common.start_gunicorn(
                    env, app="clinic.wsgi", port=web_port, workers=args.workers, log_path=tmp / "web.log"
                )
            )
            processes.append(common.start_worker(env, log_path=tmp / "worker.log", concurrency=args.concurrency))
            print(f"Sending {args.warmup} + {args.submissions} requests, one after another ...")
            for index in range(1, args.warmup + args.submissions + 1):
                status, location, sent_at = common.submit_form(web_port, index)
                answered_at = time.monotonic()
                if status != 302:
                    raise SystemExit(f"Submission {index} answered {status} {location}")
                address = f"bench-{index}@example.com"
                try:
                    to_patient = common.wait_until(
                        lambda a=address, s=sent_at: mailbox.first_after(s, a), timeout=30, interval=0.002
                    )
                    to_staff = common.wait_until(
                        lambda s=sent_at: mailbox.first_after(s, common.STAFF_EMAIL), timeout=30, interval=0.002
                    )
                except AssertionError:
                    raise SystemExit(
                        f"No email for submission {index}; worker log:\n{processes[1].log()[-3000:]}"
                    ) from None
                if index > args.warmup:
                    patient.append((to_patient - sent_at) * 1000)
                    staff.append((max(to_patient, to_staff) - sent_at) * 1000)
                    answered.append((answered_at - sent_at) * 1000)
        finally:
            for process in reversed(processes):
                process.stop()
            smtp.stop()

    figures = {
        "answered": answered,
        "patient": patient,
        "both": staff,
    }
    for name, values in figures.items():
        print(f"  {name}: p50 {common.percentile(values, 50):.0f} ms, p95 {common.percentile(values, 95):.0f} ms")
    write_results(args, rows, figures)


def write_results(args, rows, figures):
    labels = {
        "answered": "POST answered (302), for comparison",
        "patient": "Submit to the patient's confirmation accepted by SMTP",
        "both": "Submit to both emails accepted (patient and staff)",
    }
    lines = [
        "## From form submit to email accepted by the SMTP server",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.submit_to_email"),
        "```",
        "",
        f"{args.submissions} consultation requests sent one after another (after {args.warmup} not counted), "
        f"each by opening the form and POSTing it to gunicorn (`clinic.wsgi`, {args.workers} sync workers, "
        f"DEBUG off). The clock starts just before the POST and stops when the aiosmtpd server in the "
        f"benchmark's process accepts the message (end of DATA). Between them: the commit, the Celery "
        f"publish to Redis, a real worker process (`celery worker --pool=prefork --concurrency="
        f"{args.concurrency}`, the production task settings: late acknowledgement, prefetch 1) that claims "
        "the `Email` row in PostgreSQL, issues the intake link, renders and sends over SMTP.",
        "",
        "| Measure | p50 (ms) | p95 (ms) | min (ms) | max (ms) | mean (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in labels.items():
        values = figures[key]
        lines.append(
            f"| {label} | {common.percentile(values, 50):.0f} | {common.percentile(values, 95):.0f} | "
            f"{min(values):.0f} | {max(values):.0f} | {statistics.fmean(values):.0f} |"
        )
    lines += ["", "Machine and versions:", "", common.machine_markdown(rows)]
    common.update_results("submit-to-email", "\n".join(lines))


if __name__ == "__main__":
    main()
