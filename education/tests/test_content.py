"""The articles shipped in education/content/ and the command that loads them."""

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import textstat
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from education import review
from education.loader import CONTENT_DIR, article_sources, load_articles, parse_article
from education.markup import markdown_to_text
from education.models import Article, ArticleApproval, Reviewer, Topic

MAX_READING_GRADE = 8
CONTENT_FILES = sorted(CONTENT_DIR.glob("*.md"))
# A reference is a DOI or a stable page of an agency, a regulator, a payer or the drug's maker.
STABLE_HOSTS = {
    "dailymed.nlm.nih.gov",
    "www.accessdata.fda.gov",
    "www.nimh.nih.gov",
    "www.cms.gov",
    "www.aetna.com",
    "988lifeline.org",
    "www.spravatorems.com",
    "www.spravatohcp.com",
    "webarchive.library.unt.edu",
}
ANTIDEPRESSANT_ARTICLES = [
    "how-antidepressants-work",
    "antidepressant-classes",
    "why-antidepressants-do-not-always-work",
    "spravato-esketamine",
]


@pytest.fixture
def loaded(db):
    call_command("load_articles", stdout=StringIO())


def _text(slug):
    return markdown_to_text(Article.objects.get(slug=slug, language="en").body)


def test_there_are_at_least_twelve_articles_to_load():
    assert len(CONTENT_FILES) >= 12


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: path.stem)
def test_each_article_reads_at_or_below_grade_eight(path: Path):
    _, body = parse_article(path)
    grade = textstat.flesch_kincaid_grade(markdown_to_text(body))
    assert grade <= MAX_READING_GRADE, f"{path.name} reads at grade {grade:.1f}; use shorter sentences and words."


def test_related_slugs_in_the_content_point_to_shipped_articles():
    slugs = {meta["slug"] for meta, _ in article_sources()}
    for meta, _ in article_sources():
        assert set(meta.get("related", [])) <= slugs - {meta["slug"]}, meta["slug"]


def test_learn_lists_every_loaded_article(loaded, client):
    html = client.get("/learn/").content.decode()
    articles = Article.objects.in_language("en")
    assert articles.count() >= 8
    for article in articles:
        assert f'href="{article.get_absolute_url()}"' in html


def test_the_topics_are_created(loaded):
    assert set(Topic.objects.values_list("name", flat=True)) == {
        "Antidepressants",
        "Treatment-resistant depression",
        "TMS",
        "SPRAVATO (esketamine)",
        "Your consultation",
        "For family and friends",
    }


def test_every_loaded_article_is_published_with_its_review_pending_and_cites_at_least_two_https_sources(loaded):
    assert not Reviewer.objects.exists() and not ArticleApproval.objects.exists()
    for article in Article.objects.with_review():
        references = list(article.references.all())
        assert article.is_published, article.slug
        assert not article.review_status().is_current, article.slug
        assert len(references) >= 2, article.slug
        assert all(ref.url.startswith("https://") for ref in references), article.slug
        assert all(len(ref.citation) > 40 for ref in references), article.slug
        article.full_clean()


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: path.stem)
def test_every_reference_is_a_doi_or_a_stable_link(path: Path):
    meta, _ = parse_article(path)
    for reference in meta["references"]:
        url = urlsplit(reference["url"])
        is_doi = url.netloc == "doi.org" and re.fullmatch(r"/10\.\d{4,9}/\S+", url.path)
        assert is_doi or url.netloc in STABLE_HOSTS, f"{path.name}: {reference['url']} is not a DOI or stable link"


def test_shipped_articles_say_their_review_is_pending_and_name_no_reviewer(loaded, client):
    # The Spanish versions are checked in test_languages.py, in Spanish.
    for article in Article.objects.in_language("en"):
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Clinical review pending." in html, article.slug
        assert "Medically reviewed by" not in html and "Medical Director" not in html, article.slug
        assert '"reviewedBy"' not in html, article.slug


def test_every_loaded_article_page_shows_crisis_line_references_related_articles_and_call_to_action(loaded, client):
    for article in Article.objects.prefetch_related("references", "related"):
        html = client.get(article.get_absolute_url()).content.decode()
        assert 'href="tel:988"' in html and 'href="tel:911"' in html, article.slug
        with translation.override(article.language):
            request_url = reverse("booking:request")
        assert f'href="{request_url}?article={article.slug}"' in html
        for reference in article.references.all():
            assert f'href="{reference.url}"' in html
        assert article.related.exists(), article.slug
        for other in article.related.all():
            assert f'href="{other.get_absolute_url()}"' in html


def test_the_facts_patients_need_are_covered(loaded):
    text = " ".join(markdown_to_text(body) for body in Article.objects.values_list("body", flat=True)).lower()
    for phrase in [
        "STAR*D",
        "one in three",
        "two in three",
        "Pigott",
        "at least two hours",
        "respiratory depression",
        "pulse oximetry",
        "15 to 21",
        "prior authorization",
        "call 911",
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


@pytest.mark.parametrize(
    "phrase",
    [
        # Claims the labels and studies do not support.
        "does not put you to sleep",
        "usually taken along with an antidepressant pill",
        "does not affect memory",
        "does not cause weight gain",
        "four to six weeks",
        "4 to 6 weeks",
        "4-6 weeks",
        "Medical Director",
        # Wording too close to other clinics' articles on the same topics.
        "What do antidepressants do to the brain",
        "Why antidepressants sometimes do not work",
        "Depression is not one single illness",
        "not a personal failure",
        "not weak will or a lack of effort",
        "plays a part in energy, focus, and alertness",
    ],
)
def test_no_article_makes_a_corrected_claim_or_borrows_wording(phrase):
    for meta, body in article_sources():
        assert phrase.lower() not in (meta["title"] + " " + body).lower(), f"{meta['slug']}: {phrase}"


def test_trial_length_is_the_same_everywhere_and_says_that_rules_differ(loaded):
    for article in Article.objects.all():
        text = markdown_to_text(article.body).lower()
        if "fair trial" in text or "adequate dose" in text:
            assert "at least 6 weeks at an adequate dose" in text, article.slug
            assert "insur" in text and ("rating tools" in text or "do not all" in text), article.slug


@pytest.mark.parametrize("slug", ANTIDEPRESSANT_ARTICLES)
def test_articles_about_antidepressants_carry_the_boxed_warning_for_people_under_25(loaded, slug):
    text = _text(slug).lower()
    assert "boxed warning" in text and "under 25" in text


def test_spravato_article_states_the_current_label(loaded):
    text = _text("spravato-esketamine").lower()
    assert "since january 2025" in text and "on its own" in text
    assert "not been shown to prevent suicide" in text
    assert "about half or more" in text
    assert (
        "dailymed.nlm.nih.gov" in Article.objects.get(slug="spravato-esketamine", language="en").references.first().url
    )


def test_star_d_article_gives_each_step_and_says_the_total_is_disputed(loaded):
    text = _text("treatment-resistant-depression")
    for figure in ["about 37 in 100", "about 31 in 100", "about 14 in 100", "about 13 in 100", "about 35%"]:
        assert figure in text, figure
    assert "estimate" in text and "not settled" in text


def test_the_why_it_fails_article_no_longer_follows_the_old_section_order():
    meta, body = parse_article(CONTENT_DIR / "03-why-antidepressants-do-not-always-work.md")
    headings = re.findall(r"^## (.+)$", body, re.M)
    assert headings[0].startswith("1. Did the medicine get a fair trial")
    assert not any("brain chemistry" in heading.lower() for heading in headings)


def test_loading_twice_adds_nothing_the_second_time(loaded):
    counts = (Topic.objects.count(), Article.objects.count(), Article.references.rel.related_model.objects.count())
    call_command("load_articles", stdout=StringIO())
    assert (Topic.objects.count(), Article.objects.count(), Article.references.rel.related_model.objects.count()) == (
        counts
    )


def test_loading_again_keeps_what_staff_changed_in_the_admin(loaded, client):
    article = Article.objects.get(slug="tms-therapy", language="en")
    article.title = "TMS at our clinic"
    article.save()
    article.references.all().delete()
    article.related.clear()
    topic = Topic.objects.get(slug="tms")
    topic.name = "Magnetic stimulation (TMS)"
    topic.save()
    Article.objects.get(slug="your-consultation", language="en").delete()

    call_command("load_articles", stdout=StringIO())

    article.refresh_from_db()
    assert article.title == "TMS at our clinic"
    assert not article.references.exists()
    assert not article.related.exists()
    assert Topic.objects.get(slug="tms").name == "Magnetic stimulation (TMS)"
    # A shipped article that is missing is added back.
    assert Article.objects.filter(slug="your-consultation", language="en").exists()
    assert "TMS at our clinic" in client.get(article.get_absolute_url()).content.decode()


def test_load_initial_content_runs_the_article_loader(db):
    call_command("load_initial_content", stdout=StringIO())
    assert Article.objects.in_language("en").count() == len(CONTENT_FILES)
    assert Article.objects.in_language("es").count() == len(list((CONTENT_DIR / "es").glob("*.md")))


def _write_article(content_dir: Path, body: str):
    shipped = (CONTENT_DIR / "05-tms.md").read_text(encoding="utf-8")
    front_matter = re.sub(r"related = \[.*\]", "related = []", shipped.split("+++\n")[1])
    (content_dir / "05-tms.md").write_text(f"+++\n{front_matter}+++\n{body}\n", encoding="utf-8")


def test_an_unedited_older_shipped_version_is_brought_up_to_date_and_an_edited_one_is_kept(db, tmp_path):
    (tmp_path / "topics.toml").write_text((CONTENT_DIR / "topics.toml").read_text(encoding="utf-8"))
    _write_article(tmp_path, "TMS does not affect memory.")
    load_articles(tmp_path)
    old = Article.objects.get(slug="tms-therapy")
    (tmp_path / "superseded.toml").write_text(f'[superseded]\ntms-therapy = ["{old.content_hash()}"]\n')
    _write_article(tmp_path, "TMS has not been shown to harm memory.")

    assert load_articles(tmp_path).articles_updated == ["tms-therapy"]
    old.refresh_from_db()
    assert old.body == "TMS has not been shown to harm memory.\n"
    assert old.references.count() == len(parse_article(CONTENT_DIR / "05-tms.md")[0]["references"])

    old.body = "Our own wording, written in the admin."
    old.save()
    _write_article(tmp_path, "A later shipped wording.")
    result = load_articles(tmp_path)
    assert result.articles_updated == [] and result.articles_kept == ["tms-therapy"]
    old.refresh_from_db()
    assert old.body == "Our own wording, written in the admin."


def test_the_superseded_list_names_shipped_articles_and_never_their_current_version():
    import tomllib

    superseded = tomllib.loads((CONTENT_DIR / "superseded.toml").read_text(encoding="utf-8"))["superseded"]
    current = {}
    for meta, body in article_sources():
        snapshot = review.content_snapshot(
            title=meta["title"],
            summary=meta["summary"],
            body=body,
            references=[(ref["citation"], ref["url"]) for ref in meta["references"]],
        )
        current[meta["slug"]] = review.content_hash(snapshot)
    assert set(superseded) <= set(current)
    for slug, hashes in superseded.items():
        assert current[slug] not in hashes, slug
