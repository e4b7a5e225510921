import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/privacy/", "/learn/", "/consultation/", "/no-such-page/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_crisis_resources(client, path):
    response = client.get(path)
    html = response.content.decode()
    assert 'href="tel:988"' in html
    assert 'href="sms:988"' in html
    assert 'href="tel:911"' in html
    assert "not monitored around the clock" in html


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_one_heading_a_skip_link_and_landmarks(client, path):
    html = client.get(path).content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Main"' in html


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_home_leads_to_the_consultation_form(client):
    html = client.get("/").content.decode()
    assert "TMS" in html and "SPRAVATO" in html
    assert 'href="/consultation/"' in html


def test_server_error_page_is_friendly_and_keeps_the_crisis_notice(rf):
    from core.views import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'href="tel:988"' in html


def test_assets_are_served_from_our_own_origin(client):
    html = client.get("/").content.decode()
    assert "/static/css/bundles/reading.css" in html
    assert "http://" not in html.replace('"http://testserver', "")
    assert "https://" not in html


def test_refusals_are_the_sites_own_pages_with_the_crisis_line(client, settings):
    from django.contrib.auth.models import User
    from django.test import Client

    bad_host = client.get("/", HTTP_HOST="evil.example")
    settings.ADMIN_REQUIRE_2FA = False
    staff = Client()
    staff.force_login(User.objects.create_user("temp", is_staff=True))
    forbidden = staff.get("/admin/scheduling/appointment/agenda/")
    no_csrf = Client(enforce_csrf_checks=True).post("/consultation/", {"first_name": "Dana"})
    for response, status, heading in [
        (bad_host, 400, "We could not read that request"),
        (forbidden, 403, "This page is not open to you"),
        (no_csrf, 403, "Please send the form again"),
    ]:
        page = response.content.decode()
        assert response.status_code == status
        assert heading in page
        assert 'href="tel:988"' in page and settings.CLINIC_PHONE in page
