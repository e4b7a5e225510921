import pytest

from education.tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_articles_and_their_topics_only(client, settings):
    settings.SITE_URL = "https://clinic.example"
    live = ArticleFactory(slug="live-article", topic=TopicFactory(slug="tms"))
    ArticleFactory(draft=True, slug="draft-article", topic=TopicFactory(slug="drafts-only"))

    response = client.get("/sitemap.xml")
    xml = response.content.decode()

    assert response.status_code == 200
    assert "<loc>https://clinic.example/learn/</loc>" in xml
    assert f"<loc>https://clinic.example{live.get_absolute_url()}</loc>" in xml
    assert "<loc>https://clinic.example/learn/topics/tms/</loc>" in xml
    assert "draft-article" not in xml
    assert "drafts-only" not in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, settings):
    settings.SITE_URL = "https://clinic.example"
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /consultation/intake/" in lines and "Disallow: /appointments/" in lines
    assert "Sitemap: https://clinic.example/sitemap.xml" in lines


@pytest.mark.parametrize("path", ["/learn/", "/learn/topics/tms/"])
def test_index_and_topic_pages_have_a_canonical_link_and_open_graph_tags(client, settings, path):
    settings.SITE_URL = "https://clinic.example"
    ArticleFactory(topic=TopicFactory(slug="tms"))
    html = client.get(path).content.decode()
    assert f'<link rel="canonical" href="https://clinic.example{path}">' in html
    assert '<meta property="og:title"' in html
    assert f'<meta property="og:url" content="https://clinic.example{path}">' in html


def test_search_results_are_not_indexed(client):
    html = client.get("/learn/search/?q=tms").content.decode()
    assert '<meta name="robots" content="noindex">' in html
