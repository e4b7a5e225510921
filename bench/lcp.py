"""Largest Contentful Paint on a throttled phone, first visit: the app through gunicorn against a
static copy of the same pages (HTML and every file they load) served by nginx, in one run.

    .venv/bin/python -m bench.lcp [--runs 7] [--workers 3]

Debian's chromium through Playwright, with the DevTools protocol's throttling: 1.6 Mbps down,
750 kbps up, 150 ms latency (Network.emulateNetworkConditions), CPU slowed 4 times
(Emulation.setCPUThrottlingRate), a phone's viewport, the cache disabled. Each load is a new
browser context (no connection, cookie or cache kept); the app and the static copy take turns.
"""

import argparse
import os
import statistics
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from bench import common

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Mobile Safari/537.36"
    ),
}
LCP_GOAL_MS = 700
STATIC_MARGIN = 0.05
HOME_BUDGET = 40_000

# nginx as a static host would be set up: compressed text, the files as they are.
NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
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
    types {{
        text/html html;
        text/css css;
        text/javascript js;
        image/svg+xml svg;
        image/x-icon ico;
        image/png png;
    }}
    gzip on;
    gzip_comp_level 6;
    gzip_types text/css text/javascript image/svg+xml;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/site;
        index index.html;
    }}
    # The app as deploy/ runs it: nginx in front, keeping the browser's connections open (gunicorn's
    # sync workers close each one); a plain proxy here, without the shipped microcache.
    upstream app {{
        server 127.0.0.1:{app_port};
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""

# Kept from the first paint on: the last LCP candidate before the page is read is its LCP.
OBSERVE_LCP = """
window.__lcp = null;
new PerformanceObserver((list) => {
  const entries = list.getEntries();
  const last = entries[entries.length - 1];
  window.__lcp = {time: last.startTime, element: last.element ? last.element.tagName.toLowerCase() : "",
                  size: last.size};
}).observe({type: "largest-contentful-paint", buffered: true});
"""
READ_PAGE = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const files = performance.getEntriesByType("resource");
  return {lcp: window.__lcp, transferred: nav.transferSize + files.reduce((sum, f) => sum + f.transferSize, 0),
          files: files.length + 1};
}
"""


class Files(HTMLParser):
    """Every address a page makes the browser fetch at load: stylesheets, scripts, images, icon."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and set((attrs.get("rel") or "").split()) & {"stylesheet", "icon"}:
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def fetch(url) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        return response.read()


def save_static_copy(app_url: str, paths, site: Path) -> dict:
    """Each page's HTML as the app sent it, and each file it loads, at the same addresses."""
    sizes = {}
    for path in paths:
        html = fetch(app_url + path)
        target = site / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html)
        parser = Files()
        parser.feed(html.decode())
        for url in parser.urls:
            address = urlsplit(url)
            if address.netloc:
                raise SystemExit(f"{path} loads {url} from another origin")
            body = fetch(app_url + url)
            file = site / address.path.lstrip("/")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(body)
        sizes[path] = (len(html), len(parser.urls))
    for folder in [site, *(p for p in site.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)  # nginx started by root reads as "nobody"
    for file in site.rglob("*"):
        if file.is_file():
            file.chmod(0o644)
    return sizes


def start_nginx(nginx, tmp: Path, port: int, *, app_port: int, proxy_port: int) -> common.Process:
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, app_port=app_port, proxy_port=proxy_port))
    tmp.chmod(0o755)
    process = common.Process(
        [nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(conf)], {}, tmp / "nginx.log"
    )
    try:
        common.wait_until(lambda: common.answers(f"http://127.0.0.1:{port}/"), message="nginx")
    except AssertionError:
        process.stop()
        raise SystemExit(f"nginx did not answer:\n{process.log()}") from None
    return process


def load_once(browser, url: str) -> dict:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.add_init_script(OBSERVE_LCP)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        response = page.goto(url, wait_until="load", timeout=60_000)
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        # Polled with evaluate (wait_for_function evaluates a string, which the page's CSP refuses).
        page.wait_for_timeout(300)  # a later, larger paint would still be recorded
        for _ in range(100):
            if page.evaluate("() => window.__lcp !== null"):
                break
            page.wait_for_timeout(100)
        else:
            raise SystemExit(f"{url}: no largest-contentful-paint entry")
        return page.evaluate(READ_PAGE)
    finally:
        context.close()


def measure(servers: dict, paths, runs: int, warm_requests: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {(name, path): [] for name in servers for path in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # Not counted: requests enough for every gunicorn worker to have served each page once
            # (its first render compiles templates and fills caches), then one browser load each.
            for base in servers.values():
                for path in paths:
                    for _ in range(warm_requests):
                        fetch(base + path)
                    load_once(browser, base + path)
            for run in range(runs):
                order = list(servers.items()) if run % 2 == 0 else list(servers.items())[::-1]
                for path in paths:
                    for name, base in order:
                        found = load_once(browser, base + path)
                        results[(name, path)].append(found)
                        print(
                            f"  run {run + 1}/{runs} {name:<14} {path:<28} LCP {found['lcp']['time']:6.0f} ms "
                            f"({found['lcp']['element']}), {found['transferred']:,} bytes in {found['files']} files"
                        )
        finally:
            browser.close()
    return results


def summary(loads: list[dict]) -> dict:
    times = [load["lcp"]["time"] for load in loads]
    elements = sorted({load["lcp"]["element"] for load in loads})
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "transferred": statistics.median(load["transferred"] for load in loads),
        "files": loads[0]["files"],
        "element": ", ".join(elements),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="loads of each page from each server (median)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--slug", default="tms-therapy", help="the article measured")
    parser.add_argument("--database", default="clinic_bench_lcp")
    parser.add_argument("--redis-db", type=int, default=10)
    args = parser.parse_args()

    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium (or set E2E_CHROMIUM).")
    nginx = common.ensure_tool("nginx", "nginx")
    rows = common.machine()
    rows.append(("Chromium", common._first_line([str(CHROMIUM), "--version"])))
    common.print_machine(rows)

    redis_url = common.redis_url(args.redis_db)
    common.flush_redis(redis_url)
    env = common.production_env(database_url=common.prepare_database(args.database), redis_url=redis_url)
    common.set_up_site(env)

    paths = ["/", f"/learn/{args.slug}/"]
    with common.workdir("bench-lcp-") as tmp:
        processes = []
        try:
            app_port, nginx_port, proxy_port = common.free_port(), common.free_port(), common.free_port()
            processes.append(
                common.start_gunicorn(
                    env, app="clinic.wsgi", port=app_port, workers=args.workers, log_path=tmp / "gunicorn.log"
                )
            )
            app_url = f"http://127.0.0.1:{app_port}"
            saved = save_static_copy(app_url, paths, tmp / "site")
            for path, (size, files) in saved.items():
                print(f"{path}: {size:,} bytes of HTML and {files} files saved for nginx.")
            processes.append(start_nginx(nginx, tmp, nginx_port, app_port=app_port, proxy_port=proxy_port))
            servers = {
                "app": f"http://127.0.0.1:{proxy_port}",
                "gunicorn alone": app_url,
                "static copy": f"http://127.0.0.1:{nginx_port}",
            }
            print(f"\nLoading each page {args.runs} times from each server (after one load not counted) ...")
            loads = measure(servers, paths, args.runs, warm_requests=4 * args.workers)
        finally:
            for process in reversed(processes):
                process.stop()
    results = {key: summary(value) for key, value in loads.items()}
    write_results(args, rows, paths, results)


def write_results(args, rows, paths, results):
    names = {"/": "Home", paths[1]: "Article"}
    table = [
        "| Page | Server | LCP median (ms) | min (ms) | max (ms) | Transferred (bytes) | Files | LCP element |",
        "|---|---|---|---|---|---|---|---|",
    ]
    goals = ["| Goal | Measured | Aim | Met |", "|---|---|---|---|"]
    for path in paths:
        for name in ("app", "gunicorn alone", "static copy"):
            r = results[(name, path)]
            table.append(
                f"| {names[path]} (`{path}`) | {name} | {r['median']:.0f} | {r['min']:.0f} | {r['max']:.0f} | "
                f"{r['transferred']:,.0f} | {r['files']} | {r['element']} |"
            )
        app, copy = results[("app", path)], results[("static copy", path)]
        ratio = app["median"] / copy["median"] - 1
        goals.append(
            f"| {names[path]}: app LCP on a throttled phone, first visit | {app['median']:.0f} ms | "
            f"< {LCP_GOAL_MS} ms | {'yes' if app['median'] < LCP_GOAL_MS else 'no'} |"
        )
        goals.append(
            f"| {names[path]}: app LCP against the static copy | {ratio:+.1%} | within {STATIC_MARGIN:.0%} | "
            f"{'yes' if ratio <= STATIC_MARGIN else 'no'} |"
        )
    home = results[("app", "/")]["transferred"]
    goals.append(
        f"| Home: transferred on a first visit (app, compressed, headers included) | {home / 1000:.1f} KB | "
        f"< {HOME_BUDGET / 1000:.0f} KB | {'yes' if home < HOME_BUDGET else 'no'} |"
    )
    body = "\n".join(
        [
            "## Largest Contentful Paint on a throttled phone: the app against a static copy",
            "",
            f"Run {common.now_text()}: `{common.command_line('bench.lcp')}`",
            "",
            common.machine_markdown(rows),
            "",
            f"- Debian chromium through Playwright; DevTools throttling: {NETWORK['downloadThroughput'] * 8 / 1e6:.1f} "
            f"Mbps down, {NETWORK['uploadThroughput'] * 8 / 1e3:.0f} kbps up, {NETWORK['latency']} ms latency, "
            f"CPU {CPU_SLOWDOWN}x slower; a {PHONE['viewport']['width']}x{PHONE['viewport']['height']} phone "
            "viewport; cache disabled; a new browser context for every load.",
            f"- **app**: gunicorn, {args.workers} sync workers, production settings (WhiteNoise for static files), "
            "behind nginx as deploy/ runs it (a plain proxy here, without its microcache), so the browser's "
            "connections stay open. **gunicorn alone**: the same app without nginx; its sync workers close "
            "every connection, so each file costs the phone a new connection (shown, not a goal).",
            "- **static copy**: the same HTML and every file it loads, saved from the app at the same addresses, "
            "served by nginx (gzip for text, one worker).",
            f"- {args.runs} loads of each page from each server, taking turns, after {4 * args.workers} plain "
            "requests and one browser load of each, not counted; "
            "LCP is the last `largest-contentful-paint` entry after the load event; transferred is the "
            "navigation's and every file's `transferSize` (Resource Timing).",
            "",
            *goals,
            "",
            *table,
            "",
            common.SHARED_MACHINE_NOTE,
        ]
    )
    print("\n" + body + "\n")
    common.update_results("lcp", body)


if __name__ == "__main__":
    main()
