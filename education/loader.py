"""Load the articles shipped in ``education/content/`` into the database.

Each article is a Markdown file that starts with TOML front matter between "+++"
lines (title, slug, topic, summary, references, related slugs); topics
are in ``topics.toml``. Otherwise a topic or article whose slug exists is left exactly as staff last saved it.

Translations live in a folder per language (``content/es/``). A translated file carries the slug of
its English original (the shared key), its own title, summary, text and references, and takes
its topic from the original. It is a separate article with its own medical review, so it is
published as "review pending" whatever the state of the English version.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from education.models import Article, Language, Reference, Topic

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FRONT_MATTER_FENCE = "+++"
SUPERSEDED_FILE = "superseded.toml"
TRANSLATED_LANGUAGES = [Language.SPANISH]


@dataclass
class LoadResult:
    topics_created: list[str] = field(default_factory=list)
    articles_created: list[str] = field(default_factory=list)
    articles_kept: list[str] = field(default_factory=list)
    articles_updated: list[str] = field(default_factory=list)


def parse_article(path: Path) -> tuple[dict, str]:
    """Front matter (a dict) and Markdown body of one content file."""
    text = path.read_text(encoding="utf-8")
    opening, front_matter, body = text.split(FRONT_MATTER_FENCE + "\n", 2)
    if opening.strip():
        raise ValueError(f"{path.name}: the file must start with a '+++' line.")
    return tomllib.loads(front_matter), body.strip() + "\n"


def article_sources(content_dir: Path = CONTENT_DIR) -> list[tuple[dict, str]]:
    return [parse_article(path) for path in sorted(content_dir.glob("*.md"))]


def translation_sources(language: str, content_dir: Path = CONTENT_DIR) -> list[tuple[dict, str]]:
    return [parse_article(path) for path in sorted((content_dir / language).glob("*.md"))]


@transaction.atomic
def load_articles(content_dir: Path = CONTENT_DIR) -> LoadResult:
    result = LoadResult()
    topics = _load_topics(content_dir / "topics.toml", result)

    superseded = _superseded_hashes(content_dir / SUPERSEDED_FILE)
    created = {}
    related_slugs = {}
    for meta, body in article_sources(content_dir):
        existing = (
            Article.objects.prefetch_related("references").filter(slug=meta["slug"], language=Language.ENGLISH).first()
        )
        if existing is not None:
            if existing.content_hash() in superseded.get(existing.slug, ()):
                _update_to_shipped(existing, meta, body)
                result.articles_updated.append(existing.slug)
            else:
                result.articles_kept.append(meta["slug"])
            continue
        article = Article(
            title=meta["title"],
            slug=meta["slug"],
            topic=topics[meta["topic"]],
            summary=meta["summary"],
            body=body,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        article.full_clean()
        article.save()
        _add_references(article, meta)
        created[article.slug] = article
        related_slugs[article.slug] = meta.get("related", [])
        result.articles_created.append(article.slug)

    # Links are set once every new article exists; existing articles keep the links staff chose.
    for slug, article in created.items():
        article.related.set(Article.objects.filter(slug__in=related_slugs[slug], language=Language.ENGLISH))
    for language in TRANSLATED_LANGUAGES:
        _load_translations(language, content_dir, result)
    return result


def _load_translations(language: str, content_dir: Path, result: LoadResult) -> None:
    created = {}
    for meta, body in translation_sources(language, content_dir):
        slug = meta["slug"]
        label = f"{language}/{slug}"
        if Article.objects.filter(slug=slug, language=language).exists():
            result.articles_kept.append(label)
            continue
        original = Article.objects.filter(slug=slug, language=Language.ENGLISH).first()
        if original is None:
            raise ValueError(f"{language}/{slug}: a translation needs its English article (slug {slug!r}).")
        article = Article(
            title=meta["title"],
            slug=slug,
            language=language,
            topic=original.topic,
            summary=meta["summary"],
            body=body,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        article.full_clean()
        article.save()
        _add_references(article, meta)
        created[article] = meta.get("related", [])
        result.articles_created.append(label)
    for article, related in created.items():
        article.related.set(Article.objects.filter(slug__in=related, language=language))


def _add_references(article: Article, meta: dict) -> None:
    references = [
        Reference(article=article, citation=ref["citation"], url=ref["url"], position=position)
        for position, ref in enumerate(meta["references"], start=1)
    ]
    for reference in references:
        reference.full_clean(exclude=["article"])
    Reference.objects.bulk_create(references)


def _superseded_hashes(path: Path) -> dict[str, set[str]]:
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {slug: set(hashes) for slug, hashes in data.get("superseded", {}).items()}


def _update_to_shipped(article: Article, meta: dict, body: str) -> None:
    """Replace an unedited older shipped version with the current one (topic and links stay)."""
    article.title = meta["title"]
    article.summary = meta["summary"]
    article.body = body
    article.full_clean()
    article.save()
    article.references.all().delete()
    _add_references(article, meta)


def _load_topics(path: Path, result: LoadResult) -> dict[str, Topic]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    topics = {}
    for position, entry in enumerate(data["topics"], start=1):
        translated = {"name_es": entry.get("name_es", ""), "description_es": entry.get("description_es", "")}
        topic, was_created = Topic.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "description": entry.get("description", ""),
                "position": position,
                **translated,
            },
        )
        if was_created:
            result.topics_created.append(topic.slug)
        else:
            # A translation shipped later fills an empty field; one staff wrote is kept.
            missing = {name: value for name, value in translated.items() if value and not getattr(topic, name)}
            if missing:
                for name, value in missing.items():
                    setattr(topic, name, value)
                topic.save(update_fields=[*missing, "updated_at"])
        topics[topic.slug] = topic
    return topics
