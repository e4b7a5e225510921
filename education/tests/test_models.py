import pytest
from django.core.exceptions import ValidationError

from education.models import Article, Reference
from education.tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _unsaved_article(**fields):
    values = {
        "title": "What TMS is",
        "slug": "what-tms-is",
        "topic": TopicFactory(),
        "summary": "A plain explanation of TMS, a treatment that uses magnetic pulses.",
        "body": "TMS uses magnets.",
    }
    return Article(**(values | fields))


def test_an_article_can_be_published_before_its_medical_review_and_then_says_so():
    article = _unsaved_article(status=Article.Status.PUBLISHED)
    article.full_clean()
    article.save()
    assert article.is_published
    assert article.review_status().label == "Review pending (never reviewed)"


def test_a_draft_can_be_saved_before_it_is_reviewed():
    article = _unsaved_article()
    article.full_clean()
    article.save()
    assert article.status == Article.Status.DRAFT


def test_publishing_sets_the_publish_date_when_none_is_given():
    article = _unsaved_article(status=Article.Status.PUBLISHED)
    article.full_clean()
    assert article.published_at is not None


@pytest.mark.parametrize("summary", ["Too short.", "x" * 201])
def test_summary_length_is_limited_so_it_works_as_a_meta_description(summary):
    with pytest.raises(ValidationError) as error:
        _unsaved_article(summary=summary).full_clean()
    assert "summary" in error.value.message_dict


def test_slugs_are_unique():
    ArticleFactory(slug="same")
    with pytest.raises(ValidationError) as error:
        _unsaved_article(slug="same").full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("slug", ["search", "topics"])
def test_a_slug_cannot_hide_a_fixed_page(slug):
    with pytest.raises(ValidationError) as error:
        _unsaved_article(slug=slug).full_clean()
    assert "slug" in error.value.message_dict


def test_references_must_link_over_https():
    reference = Reference(article=ArticleFactory(), citation="Someone (2020). A study.", url="http://example.org/")
    with pytest.raises(ValidationError) as error:
        reference.full_clean()
    assert "url" in error.value.message_dict


@pytest.mark.parametrize(("words", "minutes"), [(10, 1), (200, 1), (201, 2), (1000, 5)])
def test_reading_time_is_words_at_two_hundred_a_minute(words, minutes):
    article = _unsaved_article(body=" ".join(["word"] * words))
    assert article.reading_minutes == minutes


def test_published_excludes_drafts_and_scheduled_articles():
    import datetime

    from django.utils import timezone

    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    assert list(Article.objects.published()) == [live]
