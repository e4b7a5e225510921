"""What a Spanish reader sees on the learn pages, and how each language version is reviewed on its own."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from education.dashboard import review_dashboard
from education.loader import CONTENT_DIR, load_articles, translation_sources
from education.models import Article
from education.services import article_review_approve
from education.tests.factories import ArticleFactory, ReferenceFactory, ReviewerFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def _alternates(html):
    return re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', html)


@pytest.fixture
def topic():
    return TopicFactory(slug="tms", name="TMS", name_es="TMS", description_es="Un tratamiento con pulsos magnéticos.")


@pytest.fixture
def both(topic):
    """One article in English and in Spanish, each with its reference."""
    english = ArticleFactory(
        slug="tms-therapy",
        topic=topic,
        title="What TMS is",
        summary="TMS uses magnetic pulses to wake up a mood area of the brain, with no pills and no surgery.",
        body="## How does TMS work?\n\nA coil sends short magnetic pulses.\n",
    )
    spanish = ArticleFactory(
        slug="tms-therapy",
        language="es",
        topic=topic,
        title="Qué es la TMS",
        summary="La TMS usa pulsos magnéticos para activar una zona del ánimo, sin pastillas y sin cirugía.",
        body="## ¿Cómo funciona la TMS?\n\nUna bobina envía pulsos magnéticos cortos.\n",
    )
    # Published long ago, so that moving the clock back for a review keeps them published.
    Article.objects.filter(slug="tms-therapy").update(published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    for article in (english, spanish):
        article.refresh_from_db()
        ReferenceFactory(article=article, citation="O'Reardon JP, et al. (2007). Efficacy of TMS.")
    return english, spanish


# --- Pages --------------------------------------------------------------------------------------


def test_the_spanish_article_page_is_in_spanish(client, both):
    english, spanish = both
    html = client.get("/es/learn/tms-therapy/").content.decode()
    assert '<html lang="es">' in html
    assert '<h1 id="article-title">Qué es la TMS</h1>' in html
    assert "Una bobina envía pulsos magnéticos cortos." in html
    assert "Revisión clínica pendiente." in html and "Clinical review pending" not in html
    assert ">Fuentes</h2>" in html and "Hable con nosotros sobre sus opciones" in html
    assert 'href="/es/consultation/?article=tms-therapy"' in html
    assert "A coil sends" not in html
    assert _json_ld(html)["inLanguage"] == "es"
    assert _json_ld(html)["breadcrumb"]["itemListElement"][0]["item"].endswith("/es/learn/")
    assert '<meta property="og:locale" content="es_US">' in html


def test_the_english_page_is_unchanged_and_both_pages_point_to_each_other(client, both):
    english_html = client.get("/learn/tms-therapy/").content.decode()
    spanish_html = client.get("/es/learn/tms-therapy/").content.decode()
    assert '<html lang="en">' in english_html
    assert "A coil sends short magnetic pulses." in english_html and "bobina" not in english_html
    assert "Clinical review pending." in english_html and "Revisión" not in english_html
    assert _json_ld(english_html)["inLanguage"] == "en"
    expected = [
        ("en", "http://testserver/learn/tms-therapy/"),
        ("x-default", "http://testserver/learn/tms-therapy/"),
        ("es", "http://testserver/es/learn/tms-therapy/"),
    ]
    assert _alternates(english_html) == expected
    assert _alternates(spanish_html) == expected
    assert '<a href="/es/learn/tms-therapy/" hreflang="es" lang="es">Español</a>' in english_html


def test_a_spanish_page_without_a_spanish_version_says_so_and_links_to_the_english(client, topic):
    ArticleFactory(slug="accelerated-tms", topic=topic, title="Accelerated TMS", summary="S" * 60)
    response = client.get("/es/learn/accelerated-tms/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert "Este artículo todavía no está en español" in html
    assert '<a href="/learn/accelerated-tms/" hreflang="en">Accelerated TMS</a>' in html
    assert '<p class="h4" lang="en">' in html and f'<p lang="en">{"S" * 60}</p>' in html
    assert '<meta name="robots" content="noindex">' in html
    # Search engines hear only of the version that exists.
    assert _alternates(html) == [
        ("en", "http://testserver/learn/accelerated-tms/"),
        ("x-default", "http://testserver/learn/accelerated-tms/"),
    ]
    english_html = client.get("/learn/accelerated-tms/").content.decode()
    assert "/es/learn/accelerated-tms/" not in english_html


def test_a_spanish_version_still_in_draft_is_not_shown(client, both):
    english, spanish = both
    spanish.status = Article.Status.DRAFT
    spanish.save()
    html = client.get("/es/learn/tms-therapy/").content.decode()
    assert "Este artículo todavía no está en español" in html and "Qué es la TMS" not in html
    assert "/es/learn/tms-therapy/" not in client.get("/learn/tms-therapy/").content.decode()


def test_an_address_with_no_article_in_any_language_is_not_found(client):
    assert client.get("/es/learn/no-such-article/").status_code == 404


def test_the_spanish_index_lists_spanish_articles_and_marks_english_only_ones(client, both, topic):
    ArticleFactory(slug="accelerated-tms", topic=topic, title="Accelerated TMS")
    html = client.get("/es/learn/").content.decode()
    assert "Aprenda sobre el tratamiento de la depresión" in html
    assert '<a href="/es/learn/tms-therapy/">Qué es la TMS</a>' in html
    assert '<a href="/learn/accelerated-tms/" hreflang="en" lang="en">Accelerated TMS</a>' in html
    assert "en inglés" in html
    assert "What TMS is" not in html
    assert "Un tratamiento con pulsos magnéticos." in html
    topic_html = client.get("/es/learn/topics/tms/").content.decode()
    assert '<a href="/es/learn/tms-therapy/">Qué es la TMS</a>' in topic_html
    assert "Accelerated TMS" in topic_html and "Ver todos los temas" in topic_html
    english_index = client.get("/learn/").content.decode()
    assert "Qué es la TMS" not in english_index and "en inglés" not in english_index


def test_spanish_search_finds_spanish_articles_only(client, both):
    html = client.get("/es/learn/search/", {"q": "bobina"}).content.decode()
    assert "Se encontró 1 artículo para “bobina”." in html
    assert '<a href="/es/learn/tms-therapy/">Qué es la TMS</a>' in html
    # Spanish stemming: the plural finds the singular.
    assert "Qué es la TMS" in client.get("/es/learn/search/", {"q": "bobinas"}).content.decode()
    english_word = client.get("/es/learn/search/", {"q": "coil"}).content.decode()
    assert "Ningún artículo coincide con “coil”." in english_word
    assert "No articles matched “bobina”." in client.get("/learn/search/", {"q": "bobina"}).content.decode()


def test_the_review_line_gives_the_date_in_spanish(client, both, time_machine):
    english, spanish = both
    time_machine.move_to("2026-11-03 12:00:00-05:00", tick=False)
    article_review_approve(article=spanish, reviewer=ReviewerFactory(name="Ana Ruiz", credentials="MD"))
    time_machine.move_to("2026-11-20 12:00:00-05:00", tick=False)
    html = client.get("/es/learn/tms-therapy/").content.decode()
    assert "Revisión médica:" in html and "Ana Ruiz, MD" in html
    assert '<time datetime="2026-11-03">3 de noviembre de 2026</time>' in html
    english_html = client.get("/learn/tms-therapy/").content.decode()
    assert "Clinical review pending." in english_html and "Ana Ruiz" not in english_html


def test_an_overdue_spanish_review_says_so_in_spanish(client, both, time_machine):
    english, spanish = both
    time_machine.move_to("2025-01-15 12:00:00-05:00", tick=False)
    article_review_approve(article=spanish, reviewer=ReviewerFactory())
    time_machine.move_to("2026-11-20 12:00:00-05:00", tick=False)
    html = client.get("/es/learn/tms-therapy/").content.decode()
    assert "Revisión clínica atrasada." in html and "15 de enero de 2025" in html


# --- Review per language ---------------------------------------------------------------------


def test_approving_the_english_leaves_the_spanish_pending_and_the_other_way_round(client, both):
    english, spanish = both
    reviewer = ReviewerFactory(name="Jane Smith", credentials="MD")
    article_review_approve(article=english, reviewer=reviewer)
    assert english.review_status().is_current
    assert not Article.objects.get(pk=spanish.pk).review_status().is_current
    assert "Revisión clínica pendiente." in client.get("/es/learn/tms-therapy/").content.decode()
    assert "Medically reviewed by" in client.get("/learn/tms-therapy/").content.decode()

    english.body += "\nA new sentence.\n"
    english.save()
    article_review_approve(article=spanish, reviewer=reviewer)
    assert Article.objects.get(pk=spanish.pk).review_status().is_current
    assert not Article.objects.get(pk=english.pk).review_status().is_current
    assert "Clinical review pending." in client.get("/learn/tms-therapy/").content.decode()
    assert "Jane Smith" in client.get("/es/learn/tms-therapy/").content.decode()


def test_editing_the_spanish_text_puts_it_back_to_pending(client, both):
    english, spanish = both
    article_review_approve(article=spanish, reviewer=ReviewerFactory())
    assert "Revisión médica:" in client.get("/es/learn/tms-therapy/").content.decode()
    spanish.body = spanish.body.replace("cortos", "muy cortos")
    spanish.save()
    html = client.get("/es/learn/tms-therapy/").content.decode()
    assert "Revisión clínica pendiente." in html and "Revisión médica:" not in html
    assert "changed" in Article.objects.get(pk=spanish.pk).review_status().state


def test_the_review_dashboard_shows_each_versions_language(both):
    dashboard = review_dashboard()
    assert sorted((row["title"], row["language"]) for row in dashboard["pending"]) == [
        ("Qué es la TMS", "Spanish"),
        ("What TMS is", "English"),
    ]


def test_the_admin_list_and_dashboard_show_the_language(admin_client, both):
    html = admin_client.get(reverse("admin:education_article_changelist")).content.decode()
    assert "Spanish" in html and "English" in html
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Qué es la TMS</a> (Spanish)" in index and "What TMS is</a> (English)" in index


def test_one_slug_may_have_one_version_per_language():
    topic = TopicFactory()
    ArticleFactory(slug="same", topic=topic)
    ArticleFactory(slug="same", topic=topic, language="es")
    with pytest.raises(Exception) as error:
        Article(slug="same", language="es", topic=topic, title="Otra", summary="S" * 60, body="Texto.").full_clean()
    assert "slug" in error.value.message_dict


# --- Sitemap --------------------------------------------------------------------------------


def test_the_sitemap_lists_both_languages_where_both_exist(client, settings, both, topic):
    settings.SITE_URL = "https://clinic.example"
    ArticleFactory(slug="accelerated-tms", topic=topic)
    xml = client.get("/sitemap.xml").content.decode()
    locations = set(re.findall(r"<loc>([^<]+)</loc>", xml))
    assert {
        "https://clinic.example/learn/",
        "https://clinic.example/es/learn/",
        "https://clinic.example/learn/topics/tms/",
        "https://clinic.example/es/learn/topics/tms/",
        "https://clinic.example/learn/tms-therapy/",
        "https://clinic.example/es/learn/tms-therapy/",
        "https://clinic.example/learn/accelerated-tms/",
    } <= locations
    assert "https://clinic.example/es/learn/accelerated-tms/" not in locations


def test_the_sitemap_has_no_spanish_learn_pages_without_a_spanish_article(client, settings, topic):
    settings.SITE_URL = "https://clinic.example"
    ArticleFactory(slug="accelerated-tms", topic=topic)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/es/learn/" not in xml


# --- Shipped Spanish articles ----------------------------------------------------------------


def test_the_shipped_spanish_articles_load_once_as_their_own_pending_versions(client):
    call_command("load_initial_content", stdout=StringIO())
    shipped = translation_sources("es")
    assert len(shipped) >= 3
    for meta, _ in shipped:
        spanish = Article.objects.with_review().get(slug=meta["slug"], language="es")
        english = Article.objects.with_review().get(slug=meta["slug"], language="en")
        assert spanish.is_published and not spanish.review_status().is_current
        assert spanish.topic_id == english.topic_id
        # The same sources as the fact-checked English.
        assert [(r.citation, r.url) for r in spanish.references.all()] == [
            (r.citation, r.url) for r in english.references.all()
        ]
        html = client.get(spanish.get_absolute_url()).content.decode()
        assert '<html lang="es">' in html and "Revisión clínica pendiente." in html
        assert "Revisión médica:" not in html and '"reviewedBy"' not in html
        assert 'href="tel:988"' in html
    count = Article.objects.count()
    result = load_articles()
    assert Article.objects.count() == count and result.articles_created == []
    assert {f"es/{meta['slug']}" for meta, _ in shipped} <= set(result.articles_kept)


def test_loading_keeps_a_spanish_version_staff_edited(db):
    load_articles()
    spanish = Article.objects.get(slug="tms-therapy", language="es")
    spanish.title = "La TMS en nuestra clínica"
    spanish.save()
    load_articles()
    assert Article.objects.get(pk=spanish.pk).title == "La TMS en nuestra clínica"


def test_a_spanish_file_needs_its_english_original(db, tmp_path):
    (tmp_path / "topics.toml").write_text((CONTENT_DIR / "topics.toml").read_text(encoding="utf-8"))
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "05-tms.md").write_text((CONTENT_DIR / "es" / "05-tms.md").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="English article"):
        load_articles(tmp_path)


def test_the_spanish_articles_keep_the_english_facts():
    texts = {meta["slug"]: body for meta, body in translation_sources("es")}
    spravato = texts["spravato-esketamine"]
    assert "Desde enero de 2025" in spravato and "No se ha demostrado que prevenga el suicidio" in spravato
    assert "al menos dos horas" in spravato and "menores de 25 años" in spravato
    tms = texts["tms-therapy"]
    assert "2008" in tms and "15 a 21 años" in tms and "THREE-D" in tms
    assert "988" in texts["your-consultation"] and "911" in texts["your-consultation"]


def test_a_spanish_article_scheduled_for_later_is_not_shown_yet(client, both):
    english, spanish = both
    spanish.published_at = timezone.now() + datetime.timedelta(days=3)
    spanish.save()
    assert "Este artículo todavía no está en español" in client.get("/es/learn/tms-therapy/").content.decode()
