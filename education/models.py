import math

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, URLValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from education.markup import markdown_to_text, render_markdown
from education.search import search_articles

# Article URLs are /learn/<slug>/, next to these fixed pages.
RESERVED_SLUGS = {"search", "topics"}
SUMMARY_MIN_LENGTH = 50
# Search engines show about 160 characters of a meta description; a little more is allowed.
SUMMARY_MAX_LENGTH = 200
WORDS_PER_MINUTE = 200


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError("“%(value)s” is used by another page. Choose another slug.", params={"value": value})


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the topic page.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Topics are listed from low to high.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("education:topic", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Staff preview drafts; everyone else sees published articles only."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def for_page(self):
        """Everything an article page shows, in three queries however long its lists are."""
        return self.select_related("topic").prefetch_related(
            "references",
            models.Prefetch(
                "related",
                queryset=Article.objects.published(),
                to_attr="published_related",
            ),
        )

    def search(self, query):
        return search_articles(self, query)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, validators=[validate_not_reserved])
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        validators=[MinLengthValidator(SUMMARY_MIN_LENGTH)],
        help_text="Shown in lists and used as the page's description in search results.",
    )
    body = models.TextField(help_text="Markdown. Start sections with “##”; the title is the page's main heading.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Filled in when the article is first published. A future date schedules it."
    )
    reviewer_name = models.CharField("medical reviewer", max_length=120, blank=True)
    reviewer_credentials = models.CharField(
        max_length=120, blank=True, help_text="For example “MD, board-certified psychiatrist”."
    )
    last_reviewed = models.DateField(null=True, blank=True)
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from", verbose_name="related articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["topic__position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(GreaterThanOrEqual(Length("summary"), SUMMARY_MIN_LENGTH))
                & models.Q(LessThanOrEqual(Length("summary"), SUMMARY_MAX_LENGTH)),
                name="article_summary_length",
                violation_error_message=(
                    f"The summary must be {SUMMARY_MIN_LENGTH} to {SUMMARY_MAX_LENGTH} characters long."
                ),
            ),
            # A published article always says who reviewed it and when.
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (
                    ~models.Q(reviewer_name="")
                    & ~models.Q(reviewer_credentials="")
                    & models.Q(last_reviewed__isnull=False)
                    & models.Q(published_at__isnull=False)
                ),
                name="published_article_is_reviewed",
                violation_error_message="A published article needs a reviewer, credentials and a review date.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("education:article", kwargs={"slug": self.slug})

    def clean(self):
        if self.status != self.Status.PUBLISHED:
            return
        required = {
            "reviewer_name": "Add the medical reviewer before publishing.",
            "reviewer_credentials": "Add the reviewer's credentials before publishing.",
            "last_reviewed": "Add the date of the medical review before publishing.",
        }
        errors = {field: message for field, message in required.items() if not getattr(self, field)}
        if errors:
            raise ValidationError(errors)
        if self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @cached_property
    def body_html(self):
        return render_markdown(self.body)

    @cached_property
    def word_count(self):
        return len(markdown_to_text(self.body).split())

    @property
    def reading_minutes(self):
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


class Reference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    citation = models.CharField(
        max_length=500, help_text="Authors, year, title, journal or agency. For example: Rush AJ, et al. (2006)..."
    )
    # Only https: readers follow these links from a health page.
    url = models.URLField("link", max_length=500, validators=[URLValidator(schemes=["https"])])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.citation
