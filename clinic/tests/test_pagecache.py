"""Public pages sent whole from the cache (core/pagecache.py), through the whole middleware stack
against the real Redis."""

import gzip
import time

import pytest
from django.test import Client
from django.urls import reverse

from clinicsite import services as clinicsite_services
from core import pagecache
from education.tests.factories import ArticleFactory
from education.tests.test_admin import _form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_url")]

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
]


def visitor(**extra):
    """A new browser: no cookies."""
    return Client(**extra)


def test_a_second_visitor_gets_the_stored_page_with_the_same_security_headers_and_no_nonce():
    article = ArticleFactory(body="Magnetic pulses, explained.")
    first = visitor().get(article.get_absolute_url())
    second = visitor().get(article.get_absolute_url())

    assert first["X-Page-Cache"] == "stored"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Magnetic pulses, explained." in second.content.decode()
    for name in SECURITY_HEADERS:
        assert second[name] == first[name], name
    assert "nonce" not in second["Content-Security-Policy"]
    assert "script-src 'self'" in second["Content-Security-Policy"]
    assert "nonce=" not in second.content.decode()
    # Nothing personal travels with a shared page: no cookie for anyone.
    assert not first.cookies and not second.cookies
    assert "Set-Cookie" not in second.headers


def test_hsts_is_sent_on_stored_pages_over_https(settings):
    settings.SECURE_HSTS_SECONDS = 3600
    article = ArticleFactory()
    visitor().get(article.get_absolute_url(), secure=True)
    hit = visitor().get(article.get_absolute_url(), secure=True)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Strict-Transport-Security"].startswith("max-age=3600")


def test_an_edit_in_the_admin_shows_on_the_next_visit(admin_client):
    article = ArticleFactory(body="Old paragraph.")
    for _ in range(2):
        visitor().get(article.topic.get_absolute_url())
        visitor().get(article.get_absolute_url())
    assert visitor().get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    response = admin_client.post(
        reverse("admin:education_article_change", args=[article.pk]), _form_data(article, body="New paragraph.")
    )
    assert response.status_code == 302

    html = visitor().get(article.get_absolute_url()).content.decode()
    assert "New paragraph." in html
    assert "Old paragraph." not in html
    # The topic's list and the home page were stored before the edit too: they are rebuilt.
    assert visitor().get(article.topic.get_absolute_url())["X-Page-Cache"] == "stored"


def test_a_new_clinic_name_shows_on_every_page_at_once():
    visitor().get("/about/team/")
    assert visitor().get("/about/team/")["X-Page-Cache"] == "hit"
    site = clinicsite_services.site_settings_get()
    site.name = "Lakeside Mood Clinic"
    clinicsite_services.site_settings_save(site_settings=site)
    page = visitor().get("/about/team/")
    assert "Lakeside Mood Clinic" in page.content.decode()


def test_the_request_form_is_never_stored_and_keeps_its_csrf_token():
    for _ in range(2):
        response = visitor(HTTP_ACCEPT_ENCODING="gzip").get("/consultation/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response.headers
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert response.cookies  # its own CSRF cookie, every time
        # Never compressed: the token is a secret (BREACH).
        assert "Content-Encoding" not in response.headers


def test_spanish_and_english_pages_are_stored_apart():
    for _ in range(2):
        english = visitor().get("/")
        spanish = visitor().get("/es/")
    assert english["X-Page-Cache"] == spanish["X-Page-Cache"] == "hit"
    assert english["Content-Language"] == "en"
    assert spanish["Content-Language"] == "es"
    assert '<html lang="es"' in spanish.content.decode()
    assert '<html lang="en"' in english.content.decode()


def test_gzip_for_stored_pages_when_the_browser_accepts_it():
    article = ArticleFactory()
    plain = visitor().get(article.get_absolute_url())
    packed = visitor(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(article.get_absolute_url())
    refused = visitor(HTTP_ACCEPT_ENCODING="gzip;q=0").get(article.get_absolute_url())

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in refused.headers
    for response in (plain, packed, refused):
        assert "Accept-Encoding" in response["Vary"]


def test_head_and_conditional_get():
    article = ArticleFactory()
    full = visitor().get(article.get_absolute_url())
    head = visitor().head(article.get_absolute_url())
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(full.content))

    again = visitor(HTTP_IF_NONE_MATCH=full["ETag"]).get(article.get_absolute_url())
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == full["ETag"]
    assert "Content-Security-Policy" in again.headers


def test_signed_in_staff_and_visitors_with_a_session_are_not_served_the_stored_page(admin_client):
    article = ArticleFactory()
    visitor().get(article.get_absolute_url())
    staff_page = admin_client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in staff_page.headers
    assert "no-cache" in staff_page["Cache-Control"]


def test_pages_still_render_when_redis_is_down(settings):
    article = ArticleFactory(body="Still here without Redis.")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    pagecache.memory.clear()
    for _ in range(2):
        response = visitor().get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Still here without Redis." in response.content.decode()
        assert "X-Page-Cache" not in response.headers
        assert "Content-Security-Policy" in response.headers


def test_an_edit_saved_on_another_machine_shows_within_the_version_check_time(settings):
    settings.PAGE_CACHE_VERSION_SECONDS = 0.5
    article = ArticleFactory()
    visitor().get(article.get_absolute_url())
    assert visitor().get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    # Another web machine saved an edit: only the version in Redis changed, not this process.
    pagecache.pages._bump()
    time.sleep(0.6)
    assert visitor().get(article.get_absolute_url())["X-Page-Cache"] == "stored"
