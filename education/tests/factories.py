import datetime

import factory
from django.utils import timezone

from education.models import Article, Reference, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Plain facts about one part of depression care."


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published, reviewed article; ``ArticleFactory(draft=True)`` for an unpublished one."""

    class Meta:
        model = Article

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    topic = factory.SubFactory(TopicFactory)
    summary = "A short summary of this article that is long enough to be a meta description."
    body = "## What is it?\n\nIt is a treatment. It helps some people feel better.\n"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    reviewer_name = "Dr. Ada Reviewer"
    reviewer_credentials = "MD, psychiatrist"
    last_reviewed = datetime.date(2026, 11, 1)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    citation = factory.Sequence(lambda n: f"Author A (2020). Study number {n}. Journal of Examples, 1(1), 1-10.")
    url = factory.Sequence(lambda n: f"https://doi.org/10.1000/example.{n}")
    position = factory.Sequence(lambda n: n)
