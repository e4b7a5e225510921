import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education.services import article_review_approve
from education.tests.factories import ArticleFactory, ReferenceFactory, ReviewerFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


# --- Drafts and preview -------------------------------------------------------------------


def test_a_draft_is_not_found_by_the_public(client):
    draft = ArticleFactory(draft=True, title="Unfinished draft")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Unfinished draft" not in response.content.decode()


def test_staff_preview_a_draft_which_is_never_cached_or_indexed(staff_client):
    draft = ArticleFactory(draft=True, title="Unfinished draft")
    response = staff_client.get(draft.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Unfinished draft" in html
    assert "Draft preview" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_drafts_are_not_listed_or_searchable(client):
    ArticleFactory(title="Visible article", body="Magnets help.")
    ArticleFactory(draft=True, title="Hidden article", body="Magnets help.")
    for url in ["/learn/", "/learn/search/?q=magnets"]:
        html = client.get(url).content.decode()
        assert "Visible article" in html
        assert "Hidden article" not in html


# --- The article page ---------------------------------------------------------------------


def test_article_page_shows_review_reading_time_breadcrumbs_and_numbered_references(client, time_machine):
    time_machine.move_to("2026-11-01 10:00:00-05:00")
    topic = TopicFactory(name="TMS", slug="tms")
    article = ArticleFactory(topic=topic, title="How TMS works", body="word " * 450)
    ReferenceFactory(article=article, citation="First A (2007). Study one.", url="https://doi.org/10.1/one", position=1)
    ReferenceFactory(
        article=article, citation="Second B (2018). Study two.", url="https://doi.org/10.1/two", position=2
    )
    article_review_approve(article=article, reviewer=ReviewerFactory(name="Dr. Ada Reviewer"))

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Medically reviewed by" in html and "Dr. Ada Reviewer, MD, psychiatrist" in html
    assert '<time datetime="2026-11-01">November 1, 2026</time>' in html
    assert "3 min read" in html
    breadcrumbs = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert re.findall(r'href="[^"]*"', breadcrumbs) == ['href="/"', 'href="/learn/"', 'href="/learn/topics/tms/"']
    assert 'aria-current="page">How TMS works<' in breadcrumbs
    references = html.split('id="references-heading"')[1].split("</ol>")[0]
    assert "<ol" in references
    assert references.index("First A (2007)") < references.index("Second B (2018)")
    assert '<a href="https://doi.org/10.1/one" rel="noopener">' in references


def test_article_page_links_published_related_articles_only(client):
    article = ArticleFactory()
    shown = ArticleFactory(title="TMS and SPRAVATO compared")
    hidden = ArticleFactory(draft=True, title="Secret draft")
    article.related.set([shown, hidden])
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{shown.get_absolute_url()}">TMS and SPRAVATO compared</a>' in html
    assert "Secret draft" not in html


def test_article_page_ends_with_a_consultation_link_that_names_the_article(client):
    article = ArticleFactory(slug="tms-therapy")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/consultation/?article=tms-therapy"' in html


def test_article_page_keeps_the_crisis_notice_and_one_heading(client):
    article = ArticleFactory(body="# A heading written as level one\n\nText.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert html.count("<h1") == 1


def test_markdown_cannot_put_a_script_or_event_handler_on_the_page(client):
    article = ArticleFactory(
        body='Safe text.\n\n<script>alert("stolen")</script>\n\n<img src="x" onerror="alert(1)">\n\n'
        "<div onmouseover=\"alert(2)\">Hover</div>\n\n<script src='https://evil.example/x.js'></script>"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    body = html.split('<div class="article-body">')[1].split("</div>")[0]
    assert "Safe text." in body
    assert "<script" not in body
    assert "evil.example" not in html
    assert "alert(" not in html
    assert "onerror" not in html and "onmouseover" not in html


def test_head_has_canonical_open_graph_and_medical_web_page_data(client, settings, time_machine):
    time_machine.move_to("2026-11-01 10:00:00-05:00")
    settings.SITE_URL = "https://clinic.example"
    article = ArticleFactory(slug="tms-therapy", title="How TMS works", summary="S" * 60)
    ReferenceFactory(article=article, url="https://doi.org/10.1/one")
    article_review_approve(article=article, reviewer=ReviewerFactory(name="Dr. Ada Reviewer"))
    html = client.get(article.get_absolute_url()).content.decode()

    assert '<link rel="canonical" href="https://clinic.example/learn/tms-therapy/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="How TMS works">' in html
    assert '<meta property="og:url" content="https://clinic.example/learn/tms-therapy/">' in html
    assert f'<meta property="og:description" content="{"S" * 60}">' in html
    data = _json_ld(html)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-11-01"
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Ada Reviewer",
        "honorificSuffix": "MD, psychiatrist",
    }
    assert data["url"] == "https://clinic.example/learn/tms-therapy/"
    assert data["citation"][0]["url"] == "https://doi.org/10.1/one"


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script>"


# --- Speed --------------------------------------------------------------------------------


def _article_with(count):
    article = ArticleFactory()
    ReferenceFactory.create_batch(count, article=article)
    article.related.set(ArticleFactory.create_batch(count))
    return article


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_article_page_query_count_does_not_grow_with_references_or_related_articles(client):
    small = _article_with(1)
    large = _article_with(20)
    small_count = _queries_for(client, small.get_absolute_url())
    large_count = _queries_for(client, large.get_absolute_url())
    assert small_count == large_count
    # Article with topic, references, approvals with their reviewers, related articles.
    assert large_count <= 4


def test_a_cached_article_page_needs_no_database_queries(client, django_assert_num_queries):
    article = _article_with(3)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


def test_editing_an_article_shows_the_new_text_at_once(client):
    article = ArticleFactory(body="The old wording.")
    assert "The old wording." in client.get(article.get_absolute_url()).content.decode()
    article.body = "The new wording."
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "The new wording." in html
    assert "The old wording." not in html


def test_renaming_an_article_updates_pages_that_link_to_it(client):
    article = ArticleFactory()
    other = ArticleFactory(title="Old title")
    article.related.add(other)
    assert "Old title" in client.get(article.get_absolute_url()).content.decode()
    assert "Old title" in client.get("/learn/").content.decode()
    other.title = "New title"
    other.save()
    assert "New title" in client.get(article.get_absolute_url()).content.decode()
    assert "New title" in client.get("/learn/").content.decode()


def test_unpublishing_removes_the_page_at_once(client):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    article.status = article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["index", "topic", "article"])
def test_published_pages_can_be_kept_and_revalidated_by_proxies(client, kind):
    article = ArticleFactory()
    url = {"index": "/learn/", "topic": article.topic.get_absolute_url(), "article": article.get_absolute_url()}[kind]

    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")

    by_etag = client.get(url, headers={"if-none-match": response["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    by_date = client.get(url, headers={"if-modified-since": response["Last-Modified"]})
    assert by_date.status_code == 304


def test_an_edit_changes_the_etag_so_revalidation_gets_the_new_page(client):
    article = ArticleFactory(body="Before.")
    etag = client.get(article.get_absolute_url())["ETag"]
    article.body = "After."
    article.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "After." in response.content.decode()


# --- Index, topics, search ----------------------------------------------------------------


def test_index_groups_articles_under_their_topics(client):
    tms = TopicFactory(name="TMS", slug="tms")
    ArticleFactory(topic=tms, title="How TMS works")
    TopicFactory(name="Empty topic", slug="empty")
    html = client.get("/learn/").content.decode()
    assert 'href="/learn/topics/tms/">TMS</a>' in html
    assert "How TMS works" in html
    assert "Empty topic" not in html


def test_topic_page_lists_its_published_articles(client):
    tms = TopicFactory(name="TMS", slug="tms")
    ArticleFactory(topic=tms, title="How TMS works")
    ArticleFactory(title="About SPRAVATO")
    response = client.get("/learn/topics/tms/")
    html = response.content.decode()
    assert "How TMS works" in html
    assert "About SPRAVATO" not in html
    assert html.count("<h1") == 1


def test_a_topic_without_published_articles_has_no_page(client):
    ArticleFactory(draft=True, topic=TopicFactory(slug="soon"))
    assert client.get("/learn/topics/soon/").status_code == 404


def test_search_finds_words_in_the_body(client):
    ArticleFactory(title="A treatment day", body="You stay for two hours of monitoring.")
    ArticleFactory(title="Something else", body="Unrelated words.")
    html = client.get("/learn/search/?q=Monitoring").content.decode()
    assert "A treatment day" in html
    assert "Something else" not in html
    assert "1 article found" in html


def test_search_says_so_when_nothing_matches(client):
    ArticleFactory()
    html = client.get("/learn/search/?q=zebra").content.decode()
    assert "No articles matched" in html


def test_full_text_search_on_postgres_matches_word_forms_and_ranks_titles_first(postgres, client):
    ArticleFactory(title="A treatment day", body="You are monitored for two hours.")
    ArticleFactory(title="Monitoring after a dose", body="Staff stay with you.")
    ArticleFactory(title="Unrelated", body="Nothing here.")
    html = client.get("/learn/search/?q=monitor").content.decode()
    assert html.index("Monitoring after a dose") < html.index("A treatment day")
    assert "Unrelated" not in html
