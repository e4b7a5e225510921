"""What a page makes a phone download: one stylesheet bundle per group of pages, only the
Bootstrap rules it uses, no Bootstrap JavaScript, and a home page under 40 KB on a first visit."""

import gzip
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import loader

from booking.tests.forms import valid_form_data
from clinic import assets

pytestmark = pytest.mark.django_db

READING_PAGES = [
    "/",
    "/learn/",
    "/learn/tms-therapy/",
    "/learn/search/?q=tms",
    "/about/team/",
    "/about/locations/",
    "/about/insurance-and-costs/",
    "/about/questions/",
    "/about/contact/",
    "/privacy/",
    "/no-such-page/",
    "/es/",
]
FORM_PAGES = ["/consultation/"]
FIRST_VISIT_BUDGET = 40_000  # bytes, compressed, headers included
TEMPLATES = Path(assets.BASE_DIR) / "templates"


class Assets(HTMLParser):
    """The files a browser fetches for a page: stylesheets, scripts, images and the icon."""

    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.images, self.icons, self.classes = [], [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes.update((attrs.get("class") or "").split())
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel:
            self.stylesheets.append(attrs["href"])
        elif tag == "link" and "icon" in rel:
            self.icons.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img":
            self.images.append(attrs["src"])


def page_assets(client, path) -> Assets:
    response = client.get(path)
    assert response.status_code in (200, 404), path
    parsed = Assets()
    parsed.feed(response.content.decode())
    return parsed


def static_file(url: str) -> Path:
    name = url.split("?")[0].removeprefix("/static/")
    found = finders.find(name)
    assert found, f"{url} is linked but no such static file exists"
    return Path(found)


def css_classes(text: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)", re.sub(r"url\([^)]*\)", "", text)))


FULL_BOOTSTRAP_CLASSES = css_classes(assets.BOOTSTRAP_CSS.read_text())


@pytest.mark.parametrize("path", READING_PAGES + FORM_PAGES)
def test_each_page_loads_one_bundle_that_exists_and_no_full_bootstrap(client, path):
    found = page_assets(client, path)
    bundles = [href for href in found.stylesheets if href.startswith("/static/")]
    expected = "forms" if path in FORM_PAGES else "reading"
    assert bundles == [f"/static/css/bundles/{expected}.css"]
    static_file(bundles[0])
    for url in found.stylesheets + found.scripts:
        assert "vendor/bootstrap" not in url, f"{path} loads the full Bootstrap file {url}"


@pytest.mark.parametrize("path", READING_PAGES + FORM_PAGES)
def test_every_bootstrap_class_a_page_uses_is_in_its_bundle(client, path):
    found = page_assets(client, path)
    bundle = css_classes(static_file(found.stylesheets[0]).read_text())
    missing = sorted((found.classes & FULL_BOOTSTRAP_CLASSES) - bundle)
    assert not missing, f"{path} uses Bootstrap classes its bundle lacks: {missing} (run `make css`)"


def test_a_form_sent_back_with_errors_is_styled_by_its_bundle(client):
    response = client.post("/consultation/", valid_form_data(first_name="", email="not an address"))
    parsed = Assets()
    parsed.feed(response.content.decode())
    assert "is-invalid" in parsed.classes
    bundle = css_classes(static_file(parsed.stylesheets[0]).read_text())
    assert not sorted((parsed.classes & FULL_BOOTSTRAP_CLASSES) - bundle)


def test_every_page_template_links_an_existing_bundle_and_no_bootstrap_bundle():
    pages = [path for path in TEMPLATES.rglob("*.html") if '{% extends "base.html" %}' in path.read_text()]
    assert len(pages) > 20
    for path in [TEMPLATES / "base.html", *pages]:
        text = path.read_text()
        assert "vendor/bootstrap" not in text, f"{path.relative_to(TEMPLATES)} loads the full Bootstrap"
        for name in re.findall(r"\{% static '(css/bundles/[^']+)' %\}", text):
            assert finders.find(name), f"{path.relative_to(TEMPLATES)} links {name}, which does not exist"
    # Pages under booking/ and scheduling/ (forms) load the forms bundle; every other the reading one.
    for path in pages:
        uses_forms = "css/bundles/forms.css" in path.read_text()
        assert uses_forms == (path.relative_to(TEMPLATES).parts[0] in {"booking", "scheduling"}), path


def test_no_page_loads_bootstraps_javascript():
    assert "bootstrap.bundle" not in loader.get_template("base.html").template.source


def _compressed(body: bytes) -> int:
    return min(len(body), len(gzip.compress(body, 9)))


def _headers(response) -> int:
    return sum(len(f"{name}: {value}\r\n") for name, value in response.items()) + len("HTTP/1.1 200 OK\r\n\r\n")


def test_the_home_page_weighs_under_40_kb_on_a_first_visit(client):
    """The HTML as the app sends it, then the stylesheets, scripts, images and the icon, each
    compressed as WhiteNoise or nginx's gzip_static sends it; response headers included."""
    home = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert home["Content-Encoding"] == "gzip"
    parsed = Assets()
    parsed.feed(gzip.decompress(home.content).decode())
    total = {"/": len(home.content) + _headers(home)}
    for url in parsed.stylesheets + parsed.scripts + parsed.images + parsed.icons:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        total[url] = _compressed(body) + _headers(response)
    assert parsed.icons and parsed.images
    assert sum(total.values()) < FIRST_VISIT_BUDGET, "\n".join(f"{size:>7,} {url}" for url, size in total.items())


def test_the_icon_is_linked_and_small(client):
    parsed = page_assets(client, "/")
    assert len(parsed.icons) == 1
    assert static_file(parsed.icons[0]).stat().st_size < 2_000


def test_the_committed_bundles_are_what_the_build_gives():
    if not shutil.which("node") or not (assets.BASE_DIR / "node_modules" / "purgecss").is_dir():
        message = "Node.js and PurgeCSS (npm ci) are needed to check the stylesheet bundles"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    call_command("build_css", check=True)


def test_public_pages_reach_a_browser_compressed_and_read_the_same(client, redis_url):
    # Compressed by the page cache (core/pagecache.py), which never holds a page with a secret.
    plain = client.get("/")
    compressed = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert gzip.decompress(compressed.content) == plain.content


def test_pages_with_a_form_token_are_not_compressed(client):
    # BREACH needs a secret and reflected text in one compressed answer: such pages go plain.
    form = client.get("/consultation/", HTTP_ACCEPT_ENCODING="gzip")
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content
    assert "Content-Encoding" not in form
