"""The error pages a patient meets under /es/ are Spanish, with the Spanish crisis line, as
production serves them (DEBUG off, as in every test: Django's own handlers, not debug pages)."""

import pytest
from django.db import DatabaseError, connection
from django.test import Client

pytestmark = pytest.mark.django_db

SPANISH_CRISIS = "Llame al 988 y oprima 2"


def _spanish(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="es">' in html
    assert f"<h1>{heading}</h1>" in html
    assert SPANISH_CRISIS in html and 'href="tel:988"' in html and 'href="tel:911"' in html
    return html


def test_an_unknown_spanish_address_gets_the_spanish_not_found_page(client, settings):
    assert settings.DEBUG is False
    html = _spanish(client.get("/es/no-such-page/"), 404, "No encontramos esa página")
    assert "leer nuestras guías" in html and 'href="/es/learn/"' in html
    english = client.get("/no-such-page/").content.decode()
    assert "We could not find that page" in english and SPANISH_CRISIS not in english


def test_a_failure_on_a_spanish_page_gets_the_spanish_server_error_page(client):
    def broken_database(execute, sql, params, many, context):
        raise DatabaseError("the database went away")

    client.raise_request_exception = False
    with connection.execute_wrapper(broken_database):
        response = client.get("/es/about/questions/")
    _spanish(response, 500, "Algo salió mal de nuestra parte")


def test_a_spanish_form_sent_without_its_security_token_is_explained_in_spanish():
    response = Client(enforce_csrf_checks=True).post("/es/consultation/", {"first_name": "Dana"})
    _spanish(response, 403, "Envíe el formulario otra vez, por favor")


def test_a_spanish_request_with_a_forged_host_is_refused_in_spanish(client):
    _spanish(client.get("/es/", HTTP_HOST="evil.example"), 400, "No pudimos leer esa solicitud")
