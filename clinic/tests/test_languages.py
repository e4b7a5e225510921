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


def test_spanish_pages_speak_spanish_with_the_spanish_crisis_line(client):
    home = client.get("/es/").content.decode()
    assert "Cuando los antidepresivos no han sido suficientes" in home
    # The Lifeline's own Spanish options: press 2 on a call, AYUDA by text.
    assert "Llame al 988 y oprima 2" in home
    assert "envíe AYUDA por texto al 988" in home
    assert "When antidepressants have not been enough" not in home
    english = client.get("/").content.decode()
    assert "When antidepressants have not been enough" in english
    assert "oprima 2" not in english


def test_the_spanish_form_explains_its_errors_in_spanish(client):
    from booking.tests.forms import valid_form_data

    response = client.post("/es/consultation/", valid_form_data(date_of_birth="2099-01-01", privacy_acknowledged=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert "Revise 2 respuestas" in html
    assert "Esa fecha todavía no ha llegado. Revise su fecha de nacimiento." in html
    assert "Confirme que leyó el aviso de privacidad." in html
    assert "Fecha de nacimiento" in html
    assert 'action="/es/consultation/"' in html


def test_the_spanish_catalog_is_complete_and_has_no_fuzzy_entries():
    polib = pytest.importorskip("polib")
    from django.conf import settings

    catalog = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    for entry in catalog:
        # A placeholder lost in translation would show a raw %(name)s or crash the page.
        for placeholder in ("%(phone)s", "%(hours)s", "%(reference)s", "%(days)s", "{}", "%(phone_href)s"):
            translated = entry.msgstr or " ".join(entry.msgstr_plural.values())
            assert (placeholder in entry.msgid) == (placeholder in translated), entry.msgid


def test_the_form_offers_every_stored_choice_in_the_patients_words():
    from booking import forms
    from booking.models import ConsultationRequest as R

    pairs = [
        (R.ContactMethod, forms.CONTACT_CHOICES),
        (R.BestTime, forms.BEST_TIME_CHOICES),
        (R.Interest, forms.INTEREST_CHOICES),
        (R.Prescriber, forms.PRESCRIBER_CHOICES),
        (R.HeardAbout, forms.HEARD_ABOUT_CHOICES),
    ]
    for model_choices, form_choices in pairs:
        assert [(value, str(label)) for value, label in form_choices] == list(model_choices.choices)
    with translation.override("es"):
        assert str(dict(forms.CONTACT_CHOICES)["text"]) == "Mensaje de texto"


def test_the_phq9_is_shown_in_its_published_spanish_version_on_a_spanish_page():
    # The published Spanish text itself is checked word for word in booking/tests/test_intake_spanish.py.
    from django.template.loader import render_to_string

    from booking.intake_forms import Phq9Form

    with translation.override("es"):
        spanish = render_to_string("booking/intake/_step_phq9.html", {"form": Phq9Form()})
    english = render_to_string("booking/intake/_step_phq9.html", {"form": Phq9Form()})
    assert "todavía no está disponible aquí" not in spanish
    instrument = spanish.split('<div lang="es" class="phq9">', 1)[1]
    assert (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"
        in instrument
    )
    assert "Over the last 2 weeks" not in spanish
    assert '<div lang="en" class="phq9">' in english
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in english
