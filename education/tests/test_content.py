"""The articles shipped in education/content/ and the command that loads them."""

from io import StringIO
from pathlib import Path

import pytest
import textstat
from django.core.management import call_command

from education.loader import CONTENT_DIR, article_sources, parse_article
from education.markup import markdown_to_text
from education.models import Article, Topic

MAX_READING_GRADE = 10
CONTENT_FILES = sorted(CONTENT_DIR.glob("*.md"))


@pytest.fixture
def loaded(db):
    call_command("load_articles", stdout=StringIO())


def test_there_are_at_least_eight_articles_to_load():
    assert len(CONTENT_FILES) >= 8


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: path.stem)
def test_each_article_reads_at_or_below_grade_ten(path: Path):
    _, body = parse_article(path)
    grade = textstat.flesch_kincaid_grade(markdown_to_text(body))
    assert grade <= MAX_READING_GRADE, f"{path.name} reads at grade {grade:.1f}; use shorter sentences and words."


def test_related_slugs_in_the_content_point_to_shipped_articles():
    slugs = {meta["slug"] for meta, _ in article_sources()}
    for meta, _ in article_sources():
        assert set(meta.get("related", [])) <= slugs - {meta["slug"]}, meta["slug"]


def test_learn_lists_every_loaded_article(loaded, client):
    html = client.get("/learn/").content.decode()
    articles = Article.objects.all()
    assert articles.count() >= 8
    for article in articles:
        assert f'href="{article.get_absolute_url()}"' in html


def test_the_five_topics_are_created(loaded):
    assert set(Topic.objects.values_list("name", flat=True)) == {
        "Antidepressants",
        "Treatment-resistant depression",
        "TMS",
        "SPRAVATO (esketamine)",
        "Your consultation",
    }


def test_every_loaded_article_is_published_reviewed_and_cites_at_least_two_https_sources(loaded):
    for article in Article.objects.prefetch_related("references"):
        references = list(article.references.all())
        assert article.is_published, article.slug
        assert article.reviewer_name and article.reviewer_credentials, article.slug
        assert article.last_reviewed is not None, article.slug
        assert len(references) >= 2, article.slug
        assert all(ref.url.startswith("https://") for ref in references), article.slug
        assert all(len(ref.citation) > 40 for ref in references), article.slug
        article.full_clean()


def test_every_loaded_article_page_shows_its_review_references_related_articles_and_call_to_action(loaded, client):
    for article in Article.objects.prefetch_related("references", "related"):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Medically reviewed by" in html
        assert "Medical Director, MD, board-certified psychiatrist" in html
        assert f'href="/consultation/?article={article.slug}"' in html
        for reference in article.references.all():
            assert f'href="{reference.url}"' in html
        assert article.related.exists(), article.slug
        for other in article.related.all():
            assert f'href="{other.get_absolute_url()}"' in html


def test_the_facts_the_issue_asks_for_are_covered(loaded):
    text = " ".join(markdown_to_text(body) for body in Article.objects.values_list("body", flat=True)).lower()
    for phrase in [
        "STAR*D",
        "one in three",
        "two in three",
        "not a personal failure",
        "at least two hours",
        "until the next day",
        "sertraline",
        "venlafaxine",
        "bupropion",
        "amitriptyline",
        "phenelzine",
        "neuroplasticity",
        "dose",
    ]:
        assert phrase.lower() in text, phrase


def test_loading_twice_adds_nothing_the_second_time(loaded):
    counts = (Topic.objects.count(), Article.objects.count(), Article.references.rel.related_model.objects.count())
    call_command("load_articles", stdout=StringIO())
    assert (Topic.objects.count(), Article.objects.count(), Article.references.rel.related_model.objects.count()) == (
        counts
    )


def test_loading_again_keeps_what_staff_changed_in_the_admin(loaded, client):
    article = Article.objects.get(slug="tms-therapy")
    article.title = "TMS at our clinic"
    article.reviewer_name = "Dr. Jane Smith"
    article.save()
    article.references.all().delete()
    article.related.clear()
    topic = Topic.objects.get(slug="tms")
    topic.name = "Magnetic stimulation (TMS)"
    topic.save()
    Article.objects.get(slug="your-consultation").delete()

    call_command("load_articles", stdout=StringIO())

    article.refresh_from_db()
    assert article.title == "TMS at our clinic"
    assert article.reviewer_name == "Dr. Jane Smith"
    assert not article.references.exists()
    assert not article.related.exists()
    assert Topic.objects.get(slug="tms").name == "Magnetic stimulation (TMS)"
    # A shipped article that is missing is added back.
    assert Article.objects.filter(slug="your-consultation").exists()
    assert "TMS at our clinic" in client.get(article.get_absolute_url()).content.decode()


def test_load_initial_content_runs_the_article_loader(db):
    call_command("load_initial_content", stdout=StringIO())
    assert Article.objects.count() == len(CONTENT_FILES)
