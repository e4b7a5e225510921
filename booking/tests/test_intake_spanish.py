"""The treatment-history intake in Spanish, from the Spanish link to the last email: every page in
Spanish, the PHQ-9 in its published Spanish wording (scored as in English), and the patient's
messages in the patient's language whoever or whatever sends them. English stays as it was."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from booking.intake_phq9 import SPANISH
from booking.models import Email, Intake
from booking.services import emails, links, texts
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.test_intake import BUPROPION, SAFETY_CLEAR, SERTRALINE, TREATMENTS, trial_data

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "phq9_es_published.txt"
ES = "/es/consultation/intake"
PHQ9_ANSWERS = {f"item_{n}": "2" for n in range(1, 10)} | {"item_3": "1", "item_9": "0"}  # total 15

# Words of the English pages that must not show on a Spanish one.
ENGLISH_ONLY = ["Save and continue", "Step 1 of", "Step 2 of", "Your treatment history", "Please check", "Back<"]


def published_phq9():
    """The fixture of the published Spanish PHQ-9: its stem, answers by score and items in order."""
    stem, answers, items = None, {}, {}
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, text = line.split(": ", 1)
        if key == "stem":
            stem = text
        elif key.startswith("answer "):
            answers[int(key.split()[1])] = text
        elif key.startswith("item "):
            items[int(key.split()[1])] = text
    return stem, [answers[n] for n in sorted(answers)], [items[n] for n in sorted(items)]


@pytest.fixture(autouse=True)
def catalog():
    call_command("load_medications", verbosity=0)


def open_intake(client, consultation, *, language):
    """Follow the private link as the email gives it in the patient's language (date of birth first:
    this test browser did not send the request)."""
    token = links.intake_link_issue(request=consultation)
    with translation.override(language):
        path = links.intake_path(token)
    prefix = "/es" if language == "es" else ""
    assert path.startswith(f"{prefix}/consultation/intake/")
    response = client.get(path)
    assert response["Location"] == f"{prefix}/consultation/intake/confirm/"
    page = client.get(response["Location"]).content.decode()
    response = client.post(
        f"{prefix}/consultation/intake/confirm/", {"date_of_birth": consultation.date_of_birth.isoformat()}
    )
    assert response["Location"] == f"{prefix}/consultation/intake/"
    assert client.get(response["Location"])["Location"] == f"{prefix}/consultation/intake/step/1/"  # the intake starts
    return page


def assert_spanish(html):
    assert '<html lang="es">' in html
    for english in ENGLISH_ONLY:
        assert english not in html, english


def text_of(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_spanish_patient_goes_through_the_whole_intake_in_spanish(client, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    consultation = ConsultationRequestFactory(language="es")
    confirm = open_intake(client, consultation, language="es")
    assert_spanish(confirm)
    assert "Confirme que es usted" in confirm and "Su fecha de nacimiento" in confirm

    # A wrong date of birth is answered in Spanish.
    with translation.override("es"):
        another = links.intake_path(links.intake_link_issue(request=consultation))
    client.get(another)
    wrong = client.post(f"{ES}/confirm/", {"date_of_birth": "1901-01-01"}).content.decode()
    assert_spanish(wrong)
    assert "Esa fecha de nacimiento no coincide con la que tenemos para este enlace." in wrong
    client.post(f"{ES}/confirm/", {"date_of_birth": consultation.date_of_birth.isoformat()})

    assert client.get(f"{ES}/")["Location"] == f"{ES}/step/1/"
    step1 = client.get(f"{ES}/step/1/").content.decode()
    assert_spanish(step1)
    assert "Paso 1 de 6: Su depresión ahora" in step1
    assert "¿Qué le ha dicho un médico o terapeuta sobre su depresión?" in step1
    assert "Depresión mayor (trastorno depresivo mayor)" in step1
    assert "Guardar y continuar" in step1 and "Guardar y terminar más tarde" in step1
    response = client.post(
        f"{ES}/step/1/", {"diagnosis": "major_depression", "episode_length": "1to2y", "action": "next"}
    )
    assert response["Location"] == f"{ES}/step/2/"

    step2 = client.get(f"{ES}/step/2/").content.decode()
    assert_spanish(step2)
    assert "Paso 2 de 6: Antidepresivos que ha probado" in step2
    assert "Dosis más alta al día, en mg (si la sabe)" in step2 and "Quitar este medicamento" in step2
    # A dose out of range: the error in Spanish, beside its answer, and everything typed kept.
    bad = client.post(f"{ES}/step/2/", trial_data([{**SERTRALINE, "max_daily_dose": "20000"}, BUPROPION]))
    html = bad.content.decode()
    assert bad.status_code == 200
    assert_spanish(html)
    assert "Revise los medicamentos que aparecen abajo" in html
    assert "Escriba la dosis al día como un número, por ejemplo 50." in html
    assert 'value="Zoloft"' in html and 'value="20000"' in html and BUPROPION["side_effects"] in html
    response = client.post(f"{ES}/step/2/", trial_data([SERTRALINE, {**BUPROPION, "max_daily_dose": "37.5"}]))
    assert response["Location"] == f"{ES}/step/3/"

    step3 = client.get(f"{ES}/step/3/").content.decode()
    assert_spanish(step3)
    assert "Terapia de conversación" in step3 and "¿Ha recibido EMT (TMS) antes?" in step3
    assert client.post(f"{ES}/step/3/", {**TREATMENTS, "action": "next"})["Location"] == f"{ES}/step/4/"

    step4 = client.get(f"{ES}/step/4/").content.decode()
    assert_spanish(step4)
    assert "Paso 4 de 6: Cómo se ha sentido" in step4
    assert '<div lang="es" class="phq9">' in step4
    assert "todavía no está disponible aquí" not in step4  # no "English only" note: the Spanish version is here
    # One question left blank: a Spanish error, and the eight answers given still chosen.
    partial = {k: v for k, v in PHQ9_ANSWERS.items() if k != "item_5"}
    html = client.post(f"{ES}/step/4/", {**partial, "action": "next"}).content.decode()
    assert_spanish(html)
    assert "Elija la respuesta que más se acerque a cómo se ha sentido." in html
    for name, value in partial.items():
        assert re.search(rf'name="{name}" value="{value}"[^>]*checked', html), name
    assert client.post(f"{ES}/step/4/", {**PHQ9_ANSWERS, "action": "next"})["Location"] == f"{ES}/step/5/"

    step5 = client.get(f"{ES}/step/5/").content.decode()
    assert_spanish(step5)
    assert "Paso 5 de 6: Preguntas de seguridad" in step5
    assert "¿Tiene algún metal en la cabeza o cerca de ella?" in step5 and "Para la EMT (TMS)" in step5
    assert "No estoy seguro" in step5
    assert client.post(f"{ES}/step/5/", {**SAFETY_CLEAR, "action": "next"})["Location"] == f"{ES}/step/6/"

    review = client.get(f"{ES}/step/6/").content.decode()
    assert_spanish(review)
    assert "Paso 6 de 6: Revisar y enviar" in review
    assert "100 mg al día" in review and "8 semanas" in review and "le ayudó: nada" in review
    assert "37,5 mg al día" in review  # a Spanish decimal comma
    assert "lo dejó: efectos secundarios" in review
    assert "Versión de las preguntas que contestó" in review
    # Sending without the consent box: a Spanish error, nothing sent.
    html = client.post(f"{ES}/step/6/", {"action": "next"}).content.decode()
    assert_spanish(html)
    assert "Marque la casilla para confirmar antes de enviar." in html
    response = client.post(f"{ES}/step/6/", {"confirmed_accurate": "on", "action": "next"})
    assert response["Location"] == f"{ES}/done/"

    done = client.get(f"{ES}/done/").content.decode()
    assert_spanish(done)
    assert "Gracias, recibimos sus tratamientos anteriores" in done
    intake = Intake.objects.get(request=consultation)
    assert intake.submitted_at is not None and intake.phq9_language == "es"


def test_the_spanish_phq9_is_the_published_wording_word_for_word(client):
    stem, answers, items = published_phq9()
    assert len(items) == 9 and len(answers) == 4
    assert SPANISH.stem == stem
    assert list(SPANISH.items) == items
    assert [label for _, label in SPANISH.choices] == answers
    assert [score for score, _ in SPANISH.choices] == [0, 1, 2, 3]

    consultation = ConsultationRequestFactory(language="es")
    open_intake(client, consultation, language="es")
    Intake.objects.filter(request=consultation).update(furthest_step=4)
    html = client.get(f"{ES}/step/4/").content.decode()
    instrument = html.split('<div lang="es" class="phq9">', 1)[1]
    shown = text_of(instrument)
    assert stem in shown
    for number, item in enumerate(items, start=1):
        assert f"{number}. {item}" in shown
    for answer in answers:
        # Each of the nine questions offers the four published answers.
        assert shown.count(answer) == 9, answer
    for number in range(1, 10):
        values = re.findall(rf'name="item_{number}" value="(\d)"', instrument)
        assert values == ["0", "1", "2", "3"]
    assert "phqscreeners.com" in shown and "Pfizer Inc." in shown
    assert "Little interest or pleasure" not in html


def test_the_same_answers_score_the_same_in_spanish_and_english(client):
    results = {}
    for language in ("es", "en"):
        consultation = ConsultationRequestFactory(language=language)
        client.logout()
        open_intake(client, consultation, language=language)
        Intake.objects.filter(request=consultation).update(furthest_step=4)
        prefix = "/es" if language == "es" else ""
        response = client.post(f"{prefix}/consultation/intake/step/4/", {**PHQ9_ANSWERS, "action": "next"})
        assert response["Location"] == f"{prefix}/consultation/intake/step/5/"
        intake = Intake.objects.get(request=consultation)
        results[language] = (intake.phq9, intake.phq9_total, intake.phq9_band, intake.phq9_language)
    assert results["es"][:3] == results["en"][:3] == ([2, 2, 1, 2, 2, 2, 2, 2, 0], 15, "Moderately severe")
    assert (results["es"][3], results["en"][3]) == ("es", "en")


def test_staff_see_which_version_of_the_phq9_a_spanish_patient_answered(client, admin_client, settings):
    settings.ADMIN_REQUIRE_2FA = False
    consultation = ConsultationRequestFactory(language="es")
    open_intake(client, consultation, language="es")
    Intake.objects.filter(request=consultation).update(furthest_step=4)
    client.post(f"{ES}/step/4/", {**PHQ9_ANSWERS, "action": "next"})
    html = admin_client.get(f"/admin/booking/consultationrequest/{consultation.pk}/change/").content.decode()
    assert "Version of the questions answered" in html and "Spanish (official version for the USA)" in html


def test_help_after_question_9_is_in_spanish_and_the_asq_stays_in_its_published_english(client):
    consultation = ConsultationRequestFactory(language="es")
    open_intake(client, consultation, language="es")
    Intake.objects.filter(request=consultation).update(furthest_step=4)
    response = client.post(f"{ES}/step/4/", {**PHQ9_ANSWERS, "item_9": "1", "action": "next"})
    assert response["Location"] == f"{ES}/support/"
    html = client.get(f"{ES}/support/").content.decode()
    assert '<html lang="es">' in html
    assert "Hay ayuda disponible ahora mismo" in html and 'href="tel:988"' in html
    assert "Nadie revisa este formulario a toda hora." in html
    assert "La versión oficial en español de estas preguntas todavía no está disponible aquí." in html
    asq = html.split('<div lang="en">', 1)[1].split("</div>\n", 1)[0]
    assert "In the past few weeks, have you wished you were dead?" in asq
    # Sent without answers: the clinic's own error message is Spanish.
    html = client.post(f"{ES}/support/", {}).content.decode()
    assert "Elija una respuesta" in html


def _send_in_english(email):
    mail.outbox.clear()
    with translation.override("en"):
        emails.email_send(email_id=email.pk, worker_key="worker-en")
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_intake_received_email_to_a_spanish_patient_is_spanish_from_an_english_worker(client, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["coordinator@clinic.example"]
    consultation = ConsultationRequestFactory(language="es", first_name="Dana")
    open_intake(client, consultation, language="es")
    Intake.objects.filter(request=consultation).update(furthest_step=6)
    client.post(f"{ES}/step/6/", {"confirmed_accurate": "on", "action": "next"})
    sent = _send_in_english(Email.objects.get(request=consultation, kind=Email.Kind.INTAKE_RECEIVED))
    html = sent.alternatives[0][0]
    assert sent.subject == f"Recibimos sus tratamientos anteriores ({consultation.reference})"
    assert "Hola, Dana:" in sent.body and "Nuestro equipo los revisará antes de llamarle." in sent.body
    assert '<html lang="es">' in html and "Gracias por compartir sus tratamientos anteriores" in html
    assert "Thank you for sharing" not in sent.body + html
    staff = _send_in_english(Email.objects.get(request=consultation, kind=Email.Kind.STAFF_INTAKE_RECEIVED))
    assert '<html lang="en">' in staff.alternatives[0][0]


def test_a_link_reissued_by_english_speaking_staff_reaches_a_spanish_patient_in_spanish(client):
    coordinator = User.objects.create_user("casey", password="a-long-test-password", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(coordinator)
    consultation = ConsultationRequestFactory(language="es", first_name="Dana")
    client.post(f"/admin/booking/consultationrequest/{consultation.pk}/link/", {"do": "reissue"})
    sent = _send_in_english(Email.objects.get(request=consultation, kind=Email.Kind.INTAKE_LINK_REISSUED))
    html = sent.alternatives[0][0]
    assert sent.subject == f"Su nuevo enlace privado ({consultation.reference})"
    assert "Este es un nuevo enlace privado para compartir sus tratamientos anteriores" in sent.body
    assert "Los enlaces anteriores ya no funcionan." in sent.body
    assert "/es/consultation/intake/" in sent.body
    assert "Compartir mis tratamientos anteriores" in html
    assert "Here is a new private link" not in sent.body + html


def test_the_intake_emails_to_an_english_patient_stay_english_from_a_spanish_process():
    consultation = ConsultationRequestFactory(language="en", first_name="Dana")
    for kind, subject in [
        (Email.Kind.INTAKE_RECEIVED, f"We have your treatment history ({consultation.reference})"),
        (Email.Kind.INTAKE_LINK_REISSUED, f"Your new private link ({consultation.reference})"),
    ]:
        email = Email.objects.create(request=consultation, kind=kind, recipients=[consultation.email])
        mail.outbox.clear()
        with translation.override("es"):
            emails.email_send(email_id=email.pk, worker_key="worker-es")
        sent = mail.outbox[-1]
        assert sent.subject == subject
        assert "Hello Dana," in sent.body and "Hola" not in sent.body and "/es/" not in sent.body


def test_text_replies_follow_the_language_of_the_patient_with_that_number():
    ConsultationRequestFactory(language="es", phone="+12025550177")
    ConsultationRequestFactory(language="en", phone="+12025550178")
    with translation.override("en"):
        spanish_help = texts.sms_reply_receive(phone="+12025550177", body="help")
        spanish_other = texts.sms_reply_receive(phone="+12025550177", body="hola, ¿me pueden llamar?")
    with translation.override("es"):
        english_help = texts.sms_reply_receive(phone="+12025550178", body="HELP")
    assert "llame al" in spanish_help and "Responda STOP" in spanish_help and "988" in spanish_help
    assert "nadie lee los mensajes enviados a este número" in spanish_other and "911" in spanish_other
    assert "Reply STOP to stop texts. In a crisis call or text 988." in english_help


def test_the_english_intake_is_unchanged(client):
    consultation = ConsultationRequestFactory(language="en")
    open_intake(client, consultation, language="en")
    Intake.objects.filter(request=consultation).update(furthest_step=4)
    html = client.get("/consultation/intake/step/4/").content.decode()
    assert '<html lang="en">' in html
    assert "Step 4 of 6: How you have been feeling" in html and "Save and continue" in html
    assert '<div lang="en" class="phq9">' in html
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in html
    assert "1. Little interest or pleasure in doing things" in html and "Nearly every day" in html
    assert "Questions from the Patient Health Questionnaire (PHQ-9; Kroenke, Spitzer &amp; Williams, 2001)." in html
    assert "Poco interés" not in html and "instrument-note" not in html
    step2 = client.get("/consultation/intake/step/2/").content.decode()
    assert "Highest dose per day, in mg (if you know it)" in step2 and "Remove this medicine" in step2
