"""An education article under load: the app through gunicorn (its page cache answering),
against the same bytes saved to a file and served by WhiteNoise under the same gunicorn and by
nginx, and the article through nginx with the shipped proxy cache in front of the app, in the
same run on the same machine.

    .venv/bin/python -m bench.article_page [--seconds 12] [--connections 16] [--workers 3]
"""

import argparse
import time
import urllib.request
from pathlib import Path

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
{cache_http}
    upstream clinic_web {{
        server 127.0.0.1:{app_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/site;
        index index.html;
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        location / {{
            proxy_pass http://clinic_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $remote_addr;
{cache_location}
        }}
    }}
}}
"""
DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
SHIPPED_CACHE_PATH = "/var/cache/nginx/clinic"


def shipped_cache_settings(tmp) -> tuple[str, str]:
    """deploy/nginx's proxy-cache files as shipped, with the cache folder moved into ``tmp``."""
    http = (DEPLOY / "page-cache-http.conf").read_text()
    if SHIPPED_CACHE_PATH not in http:
        raise SystemExit(f"deploy/nginx/page-cache-http.conf no longer names {SHIPPED_CACHE_PATH}")
    http = http.replace(SHIPPED_CACHE_PATH, str(tmp / "proxy-cache"))
    location = (DEPLOY / "page-cache-location.conf").read_text()
    return http, location


def fetch(url, header=None):
    """The body, or (body, value of ``header``)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        body = response.read()
        return body if header is None else (body, response.headers.get(header))


def start_nginx(nginx, tmp, port, workers, *, proxy_port, app_port) -> common.Process:
    conf = tmp / "nginx.conf"
    cache_http, cache_location = shipped_cache_settings(tmp)
    indent = lambda text, n: "\n".join(" " * n + line if line else line for line in text.splitlines())  # noqa: E731
    conf.write_text(
        NGINX_CONF.format(
            tmp=tmp,
            port=port,
            workers=workers,
            proxy_port=proxy_port,
            app_port=app_port,
            cache_http=indent(cache_http, 4),
            cache_location=indent(cache_location, 12),
        )
    )
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
    parser.add_argument("--seconds", type=int, default=12, help="length of each measurement")
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
            proxy_port = common.free_port()
            processes.append(
                common.start_gunicorn(
                    env, app="clinic.wsgi", port=app_port, workers=args.workers, log_path=tmp / "gunicorn.log"
                )
            )
            html, _ = fetch(f"http://127.0.0.1:{app_port}{path}", "X-Page-Cache")
            again, status = fetch(f"http://127.0.0.1:{app_port}{path}", "X-Page-Cache")
            if status != "hit" or again != html:
                raise SystemExit(f"the app's page cache does not answer {path} (X-Page-Cache: {status})")
            (tmp / "site" / "article" / "index.html").write_bytes(html)
            print(f"{path}: {len(html):,} bytes of HTML from the page cache, saved for nginx and WhiteNoise.")

            processes.append(
                start_nginx(nginx, tmp, nginx_port, args.workers, proxy_port=proxy_port, app_port=app_port)
            )
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
            fetch(f"http://127.0.0.1:{proxy_port}{path}")
            proxied, proxy_status = fetch(f"http://127.0.0.1:{proxy_port}{path}", "X-Proxy-Cache")
            # nginx passes the host without its port ($host), as the shipped site does: the page's
            # absolute links then differ by the port only.
            same = proxied == html.replace(f"127.0.0.1:{app_port}".encode(), b"127.0.0.1")
            if not same or proxy_status not in ("HIT", "STALE", "UPDATING", "REVALIDATED"):
                raise SystemExit(f"nginx's proxy cache does not keep {path} (X-Proxy-Cache: {proxy_status})")
            for name, port, target in [
                ("nginx", nginx_port, "/article/"),
                ("nginx-proxy", proxy_port, path),
                ("whitenoise", whitenoise_port, "/article/"),
                ("gunicorn", app_port, path),
            ]:
                url = f"http://127.0.0.1:{port}{target}"
                if name in ("nginx", "whitenoise") and fetch(url) != html:
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
    app, nginx, whitenoise, proxy = (results[n] for n in ("gunicorn", "nginx", "whitenoise", "nginx-proxy"))
    app_ratio = app["rps"] / whitenoise["rps"]
    proxy_ratio = proxy["rps"] / nginx["rps"]
    lines = [
        "## Article page: the app's page cache and nginx's proxy cache against static files",
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
        f"- **gunicorn**: the app (`clinic.wsgi`, {args.workers} sync workers, DEBUG off, Postgres and Redis, "
        "production middleware); the page comes whole from its page cache (core/pagecache.py: the version "
        "read from Redis on every request, the page from the process's memory), before sessions, CSRF and "
        "templates;",
        f"- **whitenoise**: the same bytes saved to a file, from a WSGI app that is only WhiteNoise, under "
        f"gunicorn with {args.workers} sync workers;",
        f"- **nginx**: the same file, `worker_processes {args.workers}`, sendfile, access log off;",
        "- **nginx-proxy**: the article through nginx in front of the app, with the shipped proxy-cache "
        "settings (deploy/nginx/page-cache-http.conf and page-cache-location.conf: one second, then "
        "revalidated with the ETag, stale copy while one request updates).",
        "",
        "wrk keeps connections open; nginx keeps them alive, while gunicorn's sync workers close each one "
        "after its response, so the gunicorn and WhiteNoise figures include a TCP connect per request. "
        "wrk sends no Accept-Encoding, so every server sends the same uncompressed bytes.",
        "",
    ]
    table = [
        "| Server | Requests/s | p50 (ms) | p99 (ms) | Requests | Non-2xx/3xx | Socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in ("gunicorn", "whitenoise", "nginx", "nginx-proxy"):
        r = results[name]
        table.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']:,} | "
            f"{r['non_2xx_3xx']} | {r['socket_errors']} |"
        )
    table += [
        "",
        "| Ratio | Requests/s | p50 | p99 |",
        "|---|---:|---:|---:|",
        f"| gunicorn / whitenoise | {app_ratio:.3f} | {app['p50'] / whitenoise['p50']:.1f}x | "
        f"{app['p99'] / whitenoise['p99']:.1f}x |",
        f"| nginx-proxy / nginx | {proxy_ratio:.3f} | {proxy['p50'] / nginx['p50']:.1f}x | "
        f"{proxy['p99'] / nginx['p99']:.1f}x |",
        f"| gunicorn / nginx | {app['rps'] / nginx['rps']:.3f} | {app['p50'] / nginx['p50']:.1f}x | "
        f"{app['p99'] / nginx['p99']:.1f}x |",
        "",
        common.goals_table(
            [
                (
                    "Article from the app's page cache / WhiteNoise, requests/s",
                    f"{app_ratio:.2f}",
                    ">= 0.5",
                    app_ratio >= 0.5,
                ),
                (
                    "Article through nginx's proxy cache / nginx static file, requests/s",
                    f"{proxy_ratio:.2f}",
                    ">= 0.5",
                    proxy_ratio >= 0.5,
                ),
                (
                    "Errors (non-2xx/3xx and socket errors, all servers)",
                    str(sum(r["non_2xx_3xx"] for r in results.values())),
                    "0",
                    all(r["non_2xx_3xx"] == 0 and r["socket_errors"] == "none" for r in results.values()),
                ),
            ]
        ),
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
