import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from education.models import Article, Reference, Reviewer, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    description = "Plain facts about one part of depression care."


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article (review pending); ``ArticleFactory(draft=True)`` for an unpublished one."""

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


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    citation = factory.Sequence(lambda n: f"Author A (2020). Study number {n}. Journal of Examples, 1(1), 1-10.")
    url = factory.Sequence(lambda n: f"https://doi.org/10.1000/example.{n}")
    position = factory.Sequence(lambda n: n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class ReviewerFactory(factory.django.DjangoModelFactory):
    """A staff user with a reviewer profile and the permission to approve articles."""

    class Meta:
        model = Reviewer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    name = "Ada Reviewer"
    credentials = "MD, psychiatrist"

    @factory.post_generation
    def can_approve(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.user.user_permissions.add(Permission.objects.get(codename="approve_article"))
