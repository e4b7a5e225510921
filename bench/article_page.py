"""An education article under load: the app through gunicorn, against the same HTML saved
to a file and served by nginx and by WhiteNoise, in the same run on the same machine.

    .venv/bin/python -m bench.article_page [--seconds 15] [--connections 16] [--workers 3]
"""

import argparse
import time
import urllib.request

from bench import common

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/site;
        index index.html;
    }}
}}
"""


def fetch(url) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        return response.read()


def start_nginx(nginx, tmp, port, workers) -> common.Process:
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, workers=workers))
    # nginx started by root runs its workers as "nobody": they must be able to read the page.
    for path in (tmp, tmp / "site", tmp / "site" / "article"):
        path.chmod(0o755)
    process = common.Process(
        [nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(conf)], {}, tmp / "nginx.log"
    )
    try:
        common.wait_until(lambda: common.answers(f"http://127.0.0.1:{port}/article/"), message="nginx")
    except AssertionError:
        process.stop()
        raise SystemExit(f"nginx did not answer:\n{process.log()}") from None
    return process


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slug", default="tms-therapy", help="the article (default: tms-therapy)")
    parser.add_argument("--seconds", type=int, default=15, help="length of each measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers, nginx worker processes")
    parser.add_argument("--database", default="clinic_bench_article")
    parser.add_argument("--redis-db", type=int, default=11)
    args = parser.parse_args()

    common.ensure_tool("wrk", "wrk")
    nginx = common.ensure_tool("nginx", "nginx")
    rows = common.machine()
    common.print_machine(rows)

    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    env = common.production_env(database_url=common.prepare_database(args.database), redis_url=redis_url)
    common.set_up_site(env)

    path = f"/learn/{args.slug}/"
    results = {}
    with common.workdir("bench-article-") as tmp:
        (tmp / "site" / "article").mkdir(parents=True)
        processes = []
        try:
            app_port, nginx_port, whitenoise_port = common.free_port(), common.free_port(), common.free_port()
            processes.append(
                common.start_gunicorn(
                    env, app="clinic.wsgi", port=app_port, workers=args.workers, log_path=tmp / "gunicorn.log"
                )
            )
            html = fetch(f"http://127.0.0.1:{app_port}{path}")
            (tmp / "site" / "article" / "index.html").write_bytes(html)
            print(f"{path}: {len(html):,} bytes of HTML, saved for nginx and WhiteNoise.")

            processes.append(start_nginx(nginx, tmp, nginx_port, args.workers))
            static_env = {**env, "BENCH_STATIC_ROOT": str(tmp / "site")}
            processes.append(
                common.start_gunicorn(
                    static_env,
                    app="bench.static_app:application",
                    port=whitenoise_port,
                    workers=args.workers,
                    log_path=tmp / "whitenoise.log",
                    check_path="/article/",
                )
            )
            for name, port, target in [
                ("nginx", nginx_port, "/article/"),
                ("whitenoise", whitenoise_port, "/article/"),
                ("gunicorn", app_port, path),
            ]:
                url = f"http://127.0.0.1:{port}{target}"
                if name != "gunicorn" and fetch(url) != html:
                    raise SystemExit(f"{name} does not serve the saved page")
                if args.warmup:
                    common.run_wrk(url, seconds=args.warmup, connections=args.connections, threads=args.threads)
                time.sleep(1)
                print(f"Measuring {name} for {args.seconds} s ({url}) ...")
                results[name] = common.run_wrk(
                    url, seconds=args.seconds, connections=args.connections, threads=args.threads
                )
                r = results[name]
                print(f"  {r['rps']:.0f} requests/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms")
        finally:
            for process in reversed(processes):
                process.stop()

    write_results(args, rows, path, len(html), results)


def write_results(args, rows, path, size, results):
    app, nginx, whitenoise = results["gunicorn"], results["nginx"], results["whitenoise"]
    lines = [
        "## Article page: gunicorn against nginx and WhiteNoise serving the same HTML",
        "",
        f"Run {common.now_text()}. {common.SHARED_MACHINE_NOTE}",
        "",
        "```",
        common.command_line("bench.article_page"),
        "```",
        "",
        f"`GET {path}` ({size:,} bytes of HTML) with `wrk --latency -t{args.threads} -c{args.connections} "
        f"-d{args.seconds}s` after {args.warmup} s of warm-up, against:",
        "",
        f"- **gunicorn**: the app (`clinic.wsgi`, {args.workers} sync workers, DEBUG off, Postgres and Redis "
        "cache, production middleware: sessions, CSRF, CSP nonce, WhiteNoise);",
        f"- **nginx**: the page saved to a file, `worker_processes {args.workers}`, sendfile, access log off;",
        f"- **whitenoise**: the same file from a WSGI app that is only WhiteNoise, under gunicorn with "
        f"{args.workers} sync workers.",
        "",
        "wrk keeps connections open; nginx keeps them alive, while gunicorn's sync workers close each one "
        "after its response, so the gunicorn and WhiteNoise figures include a TCP connect per request. "
        "The app takes the article's prepared content from the Redis cache and renders the template on "
        "every request (wrk sends no `If-None-Match`, so there are no 304 answers).",
        "",
    ]
    table = [
        "| Server | Requests/s | p50 (ms) | p99 (ms) | Requests | Non-2xx/3xx | Socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in ("gunicorn", "nginx", "whitenoise"):
        r = results[name]
        table.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']:,} | "
            f"{r['non_2xx_3xx']} | {r['socket_errors']} |"
        )
    table += [
        "",
        "| Ratio | Requests/s | p50 | p99 |",
        "|---|---:|---:|---:|",
        f"| gunicorn / nginx | {app['rps'] / nginx['rps']:.3f} | {app['p50'] / nginx['p50']:.1f}x | "
        f"{app['p99'] / nginx['p99']:.1f}x |",
        f"| gunicorn / whitenoise | {app['rps'] / whitenoise['rps']:.3f} | {app['p50'] / whitenoise['p50']:.1f}x | "
        f"{app['p99'] / whitenoise['p99']:.1f}x |",
    ]
    lines += [
        *table,
        "",
        "Machine and versions:",
        "",
        common.machine_markdown(rows),
    ]
    common.update_results("article", "\n".join(lines))
    print("\n".join(table))


if __name__ == "__main__":
    main()
