"""The clinic's own pages in Spanish: the site's words from the catalog, the clinic's own words in
Spanish when it wrote them, and otherwise its English marked as English, with one short note."""

import io
import json
import re

import pytest
from django.core.management import call_command

from clinicsite.examples import QUESTIONS, SPANISH
from clinicsite.models import Clinician, InsuranceCarrier, LocationSpanish, Question, SelfPayPrice
from clinicsite.services import site_settings_get, site_settings_save
from scheduling.models import Location

pytestmark = pytest.mark.django_db

NOTE = "todavía no está en español, por eso se muestra en inglés"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    return html


def _json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/es/about/team/", "Nuestro equipo"),
        ("/es/about/locations/", "Ubicaciones y cómo llegar"),
        ("/es/about/insurance-and-costs/", "Seguro médico y costos"),
        ("/es/about/questions/", "Preguntas frecuentes"),
        ("/es/about/contact/", "Contáctenos"),
        ("/es/privacy/", "Aviso de privacidad"),
    ],
)
def test_each_clinic_page_is_in_spanish_under_es(client, path, heading):
    html = _page(client, path)
    assert f">{heading}</h1>" in html
    assert "Pida una consulta gratuita" in html
    assert "Request a free consultation" not in html
    assert NOTE not in html  # nothing the clinic wrote is on these pages yet


def test_the_shipped_questions_are_in_spanish_and_the_structured_data_matches(client):
    call_command("load_site_examples", stdout=io.StringIO())
    html = _page(client, "/es/about/questions/")
    for question, answer in QUESTIONS:
        question_es, answer_es = SPANISH[question]
        assert question_es in html and answer_es in html
        assert question not in html and answer[:40] not in html
    assert NOTE not in html
    assert 'faq-item__question" lang="en"' not in html and '<div lang="en">' not in html
    assert "Respuesta de ejemplo incluida con el sitio web" in html
    data = _json_ld(html)
    assert [item["name"] for item in data["mainEntity"]] == [SPANISH[q][0] for q, _ in QUESTIONS]
    english = client.get("/about/questions/").content.decode()
    assert QUESTIONS[0][0] in english and SPANISH[QUESTIONS[0][0]][0] not in english


def test_a_question_the_clinic_wrote_only_in_english_is_marked_as_english(client):
    Question.objects.create(question="Do you see teenagers?", answer="Only adults, for now.")
    html = _page(client, "/es/about/questions/")
    assert '<summary class="faq-item__question" lang="en">Do you see teenagers?</summary>' in html
    assert '<div lang="en"><p>Only adults, for now.</p></div>' in html
    assert NOTE in html
    assert ' lang="en">' not in client.get("/about/questions/").content.decode().replace('<html lang="en">', "")


def test_a_clinician_written_in_both_languages_shows_the_spanish(client):
    Clinician.objects.create(
        name="Dr. Ana Ruiz", role="Medical director", role_es="Directora médica", bio="Cares.", bio_es="Le importa."
    )
    Clinician.objects.create(name="Sam Lee", role="Nurse", bio="Listens.")
    html = _page(client, "/es/about/team/")
    assert '<p class="person-card__role">Directora médica</p>' in html
    assert '<p class="person-card__bio">Le importa.</p>' in html
    assert '<p class="person-card__bio" lang="en">Listens.</p>' in html
    assert NOTE in html
    assert "Medical director" not in html


def test_locations_take_their_spanish_words_from_the_clinic(client):
    place = Location.objects.create(
        name="Main office", address="100 Main Street", hours="Mon-Fri 9-5", parking_notes="Free lot behind."
    )
    LocationSpanish.objects.create(location=place, name="Oficina principal", hours="De lunes a viernes, de 9 a 5")
    html = _page(client, "/es/about/locations/")
    assert ">Oficina principal</h2>" in html and "De lunes a viernes, de 9 a 5" in html
    assert "Cómo llegar a Oficina principal" in html
    assert '<dd lang="en">Free lot behind.</dd>' in html and NOTE in html
    assert _json_ld(html)["department"][0]["name"] == "Oficina principal"
    assert ">Main office</h2>" in client.get("/about/locations/").content.decode()


def test_insurance_words_follow_the_page_language(client):
    settings_row = site_settings_get()
    settings_row.insurance_intro = "We take most plans."
    settings_row.insurance_intro_es = "Aceptamos la mayoría de los planes."
    site_settings_save(site_settings=settings_row)
    InsuranceCarrier.objects.create(name="Acme Health", notes="most plans", notes_es="la mayoría de los planes")
    SelfPayPrice.objects.create(service="TMS, full course", price="$9,000")
    html = _page(client, "/es/about/insurance-and-costs/")
    assert "Aceptamos la mayoría de los planes." in html and "We take most plans." not in html
    assert "(EMT (TMS) y SPRAVATO; <span>la mayoría de los planes</span>)" in html
    assert '<span lang="en">TMS, full course</span>' in html and NOTE in html
    assert "Reunimos sus expedientes médicos." in html  # the general explanation, in Spanish


def test_the_loader_gives_unedited_examples_their_spanish_and_leaves_edited_ones_alone():
    for order, (question, answer) in enumerate(QUESTIONS):
        Question.objects.create(question=question, answer=answer, order=order, is_example=True)
    edited = Question.objects.get(question=QUESTIONS[0][0])
    edited.answer = "Yes, always."
    edited.save()
    out = io.StringIO()
    call_command("load_site_examples", stdout=out)
    assert f"{len(QUESTIONS) - 1} unedited examples given their Spanish" in out.getvalue()
    edited.refresh_from_db()
    assert edited.answer_es == "" and edited.question_es == ""
    assert Question.objects.exclude(pk=edited.pk).filter(answer_es="").count() == 0


def test_opening_hours_are_spanish_once_the_clinic_writes_them_and_marked_english_until_then(client, settings):
    settings.CLINIC_HOURS = "Monday to Friday, 9 am to 5 pm"
    html = _page(client, "/es/about/contact/")
    assert '<dd lang="en">Monday to Friday, 9 am to 5 pm</dd>' in html
    assert '<span lang="en">Monday to Friday, 9 am to 5 pm</span>' in html  # the footer, on every page
    row = site_settings_get()
    row.hours_es = "De lunes a viernes, de 9 a. m. a 5 p. m."
    site_settings_save(site_settings=row)
    html = _page(client, "/es/about/contact/")
    assert "<dd>De lunes a viernes, de 9 a. m. a 5 p. m.</dd>" in html and "Monday to Friday" not in html
    english = client.get("/about/contact/").content.decode()
    assert "<dd>Monday to Friday, 9 am to 5 pm</dd>" in english and "De lunes a viernes" not in english


def test_staff_find_the_spanish_fields_beside_the_english_in_the_admin(client, settings):
    from django.contrib.auth.models import User

    settings.ADMIN_REQUIRE_2FA = False
    client.force_login(User.objects.create_superuser("owner", "owner@clinic.example", "x"))
    place = Location.objects.create(name="Main office")
    question = Question.objects.create(question="Do you see teenagers?", answer="Only adults.")
    clinician = Clinician.objects.create(name="Dr. Ana Ruiz", bio="Cares.")
    for path, fields in [
        (f"/admin/clinicsite/question/{question.pk}/change/", ["question_es", "answer_es"]),
        (f"/admin/clinicsite/clinician/{clinician.pk}/change/", ["role_es", "bio_es", "photo_alt_es"]),
        (f"/admin/clinicsite/sitesettings/{site_settings_get().pk}/change/", ["hours_es", "insurance_intro_es"]),
        ("/admin/clinicsite/locationspanish/add/", ["location", "hours", "parking_notes"]),
    ]:
        html = client.get(path).content.decode()
        assert "In Spanish (optional)" in html or "location in Spanish" in html, path
        for field in fields:
            assert f'name="{field}"' in html, (path, field)
    response = client.post(
        "/admin/clinicsite/locationspanish/add/",
        {"location": place.pk, "name": "Oficina principal", "hours": "", "transit_notes": "", "parking_notes": ""},
    )
    assert response.status_code == 302
    assert ">Oficina principal</h2>" in _page(client, "/es/about/locations/")


def test_emails_and_text_replies_give_the_opening_hours_the_clinic_wrote_in_spanish(settings):
    from django.core import mail
    from django.utils import translation

    from booking.models import Email
    from booking.services import emails, texts
    from booking.tests.factories import ConsultationRequestFactory

    settings.CLINIC_HOURS = "Monday to Friday, 9 am to 5 pm"
    row = site_settings_get()
    row.hours_es = "De lunes a viernes, de 9 a. m. a 5 p. m."
    site_settings_save(site_settings=row)
    spanish = ConsultationRequestFactory(language="es", phone="+12025550191")
    english = ConsultationRequestFactory(language="en", phone="+12025550192")
    sent = {}
    for consultation in (spanish, english):
        email = Email.objects.create(request=consultation, kind=Email.Kind.REQUEST_RECEIVED, recipients=["p@x.example"])
        mail.outbox.clear()
        with translation.override("en"):  # the worker's language does not matter
            emails.email_send(email_id=email.pk, worker_key="worker")
        sent[consultation.language] = mail.outbox[-1].body
    assert "De lunes a viernes, de 9 a. m. a 5 p. m." in sent["es"] and "Monday to Friday" not in sent["es"]
    assert "Monday to Friday, 9 am to 5 pm" in sent["en"] and "De lunes a viernes" not in sent["en"]
    with translation.override("en"):
        assert "De lunes a viernes" in texts.sms_reply_receive(phone="+12025550191", body="HELP")
        assert "Monday to Friday" in texts.sms_reply_receive(phone="+12025550192", body="HELP")
