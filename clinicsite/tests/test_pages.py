import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from clinicsite import services
from clinicsite.models import Clinician, Question, SiteSettings
from scheduling.models import Location

pytestmark = pytest.mark.django_db

PAGES = ["/about/team/", "/about/locations/", "/about/insurance-and-costs/", "/about/questions/", "/about/contact/"]


def _json_ld(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD block"
    return json.loads(found.group(1))


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.mark.parametrize("path", PAGES)
def test_each_clinic_page_is_linked_from_every_page_and_has_structured_data(client, path):
    home = client.get("/").content.decode()
    assert f'href="{path}"' in home
    response = client.get(path)
    assert response.status_code == 200
    assert _json_ld(response.content.decode())["@context"] == "https://schema.org"


def test_the_team_page_says_where_clinicians_will_appear_until_staff_add_them(client):
    assert "Your clinicians appear here" in client.get("/about/team/").content.decode()
    Clinician.objects.create(name="Dr. Ana Ruiz", credentials="MD", role="Medical director", bio="Cares.")
    html = client.get("/about/team/").content.decode()
    assert "Dr. Ana Ruiz" in html and "Your clinicians appear here" not in html
    person = _json_ld(html)["employee"][0]
    assert person["@type"] == "Physician" and person["name"] == "Dr. Ana Ruiz"


def test_locations_show_hours_phone_and_a_maps_search_link(client):
    Location.objects.create(
        name="Main office", address="100 Main Street, Springfield", phone="+16175550123", hours="Mon-Fri 9-5"
    )
    html = client.get("/about/locations/").content.decode()
    assert "(617) 555-0123" in html and "Mon-Fri 9-5" in html
    assert "https://www.google.com/maps/search/?api=1&amp;query=100+Main+Street%2C+Springfield" in html
    assert _json_ld(html)["@type"] == "MedicalClinic"


def test_the_faq_loader_adds_marked_examples_once_and_the_page_is_a_faqpage(client):
    call_command("load_site_examples")
    call_command("load_site_examples")
    assert Question.objects.filter(is_example=True).count() == Question.objects.count() > 0
    html = client.get("/about/questions/").content.decode()
    data = _json_ld(html)
    assert data["@type"] == "FAQPage" and len(data["mainEntity"]) == Question.objects.count()
    assert "Example answer" in html


def test_the_sitemap_lists_the_clinic_pages(client):
    xml = client.get("/sitemap.xml").content.decode()
    for path in PAGES:
        assert path in xml


def test_a_primary_colour_too_light_for_white_text_is_refused():
    row = SiteSettings(primary_colour="#88c0d0")
    with pytest.raises(ValidationError) as refused:
        services.site_settings_save(site_settings=row)
    assert "4.5:1" in str(refused.value.message_dict["primary_colour"])


def test_saved_colours_reach_the_brand_stylesheet_at_once(client):
    before = client.get("/brand.css").content.decode()
    assert "--brand-primary: #1d5c63;" in before
    services.site_settings_save(site_settings=SiteSettings(primary_colour="#7A3E00", name="Lakeside Care"))
    response = client.get("/brand.css")
    assert response["Content-Type"].startswith("text/css")
    assert "--brand-primary: #7a3e00;" in response.content.decode()
    home = client.get("/").content.decode()
    assert "Lakeside Care" in home and 'style="' not in home


def test_an_svg_logo_with_a_script_is_refused_at_save():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    row = SiteSettings(logo=SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"))
    with pytest.raises(ValidationError) as refused:
        services.site_settings_save(site_settings=row)
    assert "logo" in refused.value.message_dict


def test_the_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert '<link rel="icon"' in client.get("/").content.decode()


def test_staff_see_the_title_of_the_article_a_request_came_from(client):
    from django.contrib.auth.models import User

    from booking.tests.factories import ConsultationRequestFactory
    from education.models import Article

    call_command("load_articles", stdout=io.StringIO())
    article = Article.objects.published().first()
    request = ConsultationRequestFactory(source_article=article.slug)
    client.force_login(User.objects.create_superuser("admin", "a@example.com", "a-long-admin-password-42"))
    page = client.get(f"/admin/booking/consultationrequest/{request.pk}/change/").content.decode()
    assert f'<a href="{article.get_absolute_url()}">“{article.title}”</a>' in page
