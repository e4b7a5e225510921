import pytest
from django.urls import reverse
from django.utils import timezone

from education.models import Article
from education.tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _form_data(article=None, **fields):
    topic = article.topic if article else TopicFactory()
    data = {
        "title": "How TMS works",
        "slug": "how-tms-works",
        "language": article.language if article else "en",
        "topic": topic.pk,
        "summary": "A plain explanation of TMS, a treatment that uses magnetic pulses.",
        "body": "TMS uses magnetic pulses.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-position": "1",
        "references-0-citation": "Rush AJ, et al. (2006). STAR*D. American Journal of Psychiatry.",
        "references-0-url": "https://doi.org/10.1176/ajp.2006.163.11.1905",
        # The review history inline is read-only, but its formset still expects these.
        "approvals-TOTAL_FORMS": "0",
        "approvals-INITIAL_FORMS": "0",
        "approvals-MIN_NUM_FORMS": "0",
        "approvals-MAX_NUM_FORMS": "1000",
    }
    if article:
        for field in ["title", "slug", "summary", "body"]:
            data[field] = getattr(article, field)
        data["status"] = article.status
        published_at = timezone.localtime(article.published_at)
        data["published_at_0"] = published_at.date().isoformat()
        data["published_at_1"] = published_at.time().strftime("%H:%M:%S")
        data["references-TOTAL_FORMS"] = "0"
    return data | fields


def test_staff_can_create_a_draft_with_references(admin_client):
    response = admin_client.post(reverse("admin:education_article_add"), _form_data())
    assert response.status_code == 302
    article = Article.objects.get(slug="how-tms-works")
    assert article.status == Article.Status.DRAFT
    assert [ref.url for ref in article.references.all()] == ["https://doi.org/10.1176/ajp.2006.163.11.1905"]


def test_publishing_before_review_goes_live_saying_the_review_is_pending(admin_client, client):
    assert admin_client.post(reverse("admin:education_article_add"), _form_data(status="published")).status_code == 302
    html = client.get("/learn/how-tms-works/").content.decode()
    assert "Clinical review pending." in html
    assert "Medically reviewed by" not in html


def test_an_edit_in_the_admin_reaches_the_public_page(admin_client, client):
    article = ArticleFactory(body="Old paragraph.")
    assert "Old paragraph." in client.get(article.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:education_article_change", args=[article.pk]), _form_data(article, body="New paragraph.")
    )
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "New paragraph." in html


def test_article_list_has_a_preview_link_filters_and_search(admin_client):
    draft = ArticleFactory(draft=True, title="Draft about TMS")
    ArticleFactory(title="About SPRAVATO")
    response = admin_client.get(reverse("admin:education_article_changelist"), {"q": "TMS"})
    html = response.content.decode()
    assert "Draft about TMS" in html
    assert f'href="{draft.get_absolute_url()}"' in html and "Preview draft" in html
    assert "About SPRAVATO" not in html
    assert 'data-filter-title="status"' in html and 'data-filter-title="topic"' in html


def test_add_form_prepopulates_the_slug_and_has_a_references_inline(admin_client):
    html = admin_client.get(reverse("admin:education_article_add")).content.decode()
    assert "&quot;dependency_list&quot;: [&quot;title&quot;]" in html
    assert 'name="references-TOTAL_FORMS"' in html


def test_an_absurd_number_of_reference_rows_answers_quickly_with_a_clear_message(admin_client, settings):
    import time

    settings.ADMIN_REQUIRE_2FA = False
    began = time.monotonic()
    response = admin_client.post(
        reverse("admin:education_article_add"), _form_data(**{"references-TOTAL_FORMS": "1000000000"})
    )
    assert time.monotonic() - began < 3
    assert response.status_code == 200
    assert "Please submit at most" in response.content.decode()
    assert not Article.objects.exists()
