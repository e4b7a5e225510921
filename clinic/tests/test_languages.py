"""Spanish beside English: the same pages under /es/, a switch link to the other language on each,
and the machine-facing addresses left where they are."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _switch_links(html):
    nav = re.search(r'<ul class="site-nav__languages">(.*?)</ul>', html, re.S)
    assert nav, "no language switch on the page"
    return re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"', nav.group(1))


def test_english_stays_at_todays_addresses_and_spanish_is_under_es(client):
    english = client.get("/")
    spanish = client.get("/es/")
    assert english.status_code == 200 and spanish.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="es">' in spanish.content.decode()


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/", "/es/"),
        ("/es/", "/"),
        ("/consultation/", "/es/consultation/"),
        ("/es/consultation/", "/consultation/"),
        ("/privacy/", "/es/privacy/"),
    ],
)
def test_the_switch_link_points_to_the_same_page_in_the_other_language(client, path, other):
    html = client.get(path).content.decode()
    links = _switch_links(html)
    assert [url for url, _ in links] == [other]
    assert links[0][1] == ("es" if other.startswith("/es/") else "en")


def test_search_engines_are_told_of_both_languages(client):
    html = client.get("/consultation/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/consultation/">' in html
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/consultation/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/consultation/">' in html


@pytest.mark.parametrize("path", ["/es/admin/", "/es/health/", "/es/consultation/sms/inbound/", "/es/robots.txt"])
def test_staff_and_machine_addresses_have_no_spanish_copy(client, path):
    assert client.get(path).status_code == 404


def test_webhooks_keep_their_one_address():
    with translation.override("es"):
        assert reverse("booking_sms:status") == "/consultation/sms/status/"
        assert reverse("booking_sms:inbound") == "/consultation/sms/inbound/"


def test_private_links_work_in_both_languages():
    with translation.override("es"):
        assert reverse("booking:intake_start", args=["tok"]) == "/es/consultation/intake/tok/"
        assert reverse("scheduling:manage_start", args=["tok"]) == "/es/appointments/manage/tok/"
    assert reverse("booking:intake_start", args=["tok"]) == "/consultation/intake/tok/"
