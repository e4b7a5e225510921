import math

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinLengthValidator, URLValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property

from education import review
from education.markup import markdown_to_text, render_markdown
from education.search import search_articles

# Article URLs are /learn/<slug>/, next to these fixed pages.
RESERVED_SLUGS = {"search", "topics"}
SUMMARY_MIN_LENGTH = 50
# Search engines show about 160 characters of a meta description; a little more is allowed.
SUMMARY_MAX_LENGTH = 200
WORDS_PER_MINUTE = 200
# The English original is the source every translation follows; it is the site's default language.
ORIGINAL_LANGUAGE = "en"


SLUG_CLASH_MESSAGE = "An article with this slug already exists in this language."


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError("“%(value)s” is used by another page. Choose another slug.", params={"value": value})


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the topic page.")
    name_es = models.CharField("name in Spanish", max_length=80, blank=True)
    description_es = models.TextField("description in Spanish", blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Topics are listed from low to high.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("education:topic", kwargs={"slug": self.slug})

    def name_in(self, language):
        """The name in ``language`` and the language it is actually written in (English when not translated)."""
        if language == Language.SPANISH and self.name_es:
            return self.name_es, Language.SPANISH
        return self.name, Language.ENGLISH

    def description_in(self, language):
        if language == Language.SPANISH and self.description_es:
            return self.description_es, Language.SPANISH
        return self.description, Language.ENGLISH


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language):
        return self.filter(language=language)

    def visible_to(self, user):
        """Staff preview drafts; everyone else sees published articles only."""
        if user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def for_page(self):
        """Everything an article page shows, in a fixed number of queries however long its lists are."""
        return self.select_related("topic").prefetch_related(
            "references",
            models.Prefetch("approvals", queryset=ArticleApproval.objects.select_related("reviewer")),
            models.Prefetch(
                "related",
                queryset=Article.objects.published(),
                to_attr="published_related",
            ),
        )

    def with_review(self):
        """What the review status needs (references and approvals), in two more queries."""
        return self.prefetch_related(
            "references", models.Prefetch("approvals", queryset=ArticleApproval.objects.select_related("reviewer"))
        )

    def search(self, query, language="en"):
        return search_articles(self, query, language)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    # The slug is the key shared by an article's versions: /learn/<slug>/ in English, /es/learn/<slug>/
    # in Spanish. Each version is its own row, with its own text, references and medical review.
    slug = models.SlugField(
        max_length=200,
        validators=[validate_not_reserved],
        help_text="The same for every language version of one article.",
    )
    language = models.CharField(
        max_length=5,
        choices=Language,
        default=Language.ENGLISH,
        help_text="A translation is reviewed on its own: approving one language says nothing about another.",
    )
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
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from", verbose_name="related articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # English first, so a lookup by slug alone finds the original.
        ordering = ["language", "topic__position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "language"],
                name="article_unique_slug_per_language",
                violation_error_message=SLUG_CLASH_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(GreaterThanOrEqual(Length("summary"), SUMMARY_MIN_LENGTH))
                & models.Q(LessThanOrEqual(Length("summary"), SUMMARY_MAX_LENGTH)),
                name="article_summary_length",
                violation_error_message=(
                    f"The summary must be {SUMMARY_MIN_LENGTH} to {SUMMARY_MAX_LENGTH} characters long."
                ),
            ),
        ]
        permissions = [("approve_article", "Can approve an article version as its medical reviewer")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # The address of this version, whatever language the current page is in.
        with translation.override(self.language):
            return reverse("education:article", kwargs={"slug": self.slug})

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            # A clash of slug and language is fixed by changing the slug, so the message goes beside it.
            errors = error.update_error_dict({})
            general = errors.get(NON_FIELD_ERRORS, [])
            clash = [item for item in general if SLUG_CLASH_MESSAGE in getattr(item, "messages", [str(item)])]
            if clash:
                errors[NON_FIELD_ERRORS] = [item for item in general if item not in clash]
                if not errors[NON_FIELD_ERRORS]:
                    del errors[NON_FIELD_ERRORS]
                errors.setdefault("slug", []).extend(clash)
            raise ValidationError(errors) from error

    def clean(self):
        # Publishing does not wait for the medical review: the page says plainly that it is pending.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
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

    def content_snapshot(self):
        """The text and references as saved now (uses prefetched references when there are any)."""
        references = sorted(self.references.all(), key=lambda ref: (ref.position, ref.pk))
        return review.content_snapshot(
            title=self.title,
            summary=self.summary,
            body=self.body,
            references=[(ref.citation, ref.url) for ref in references],
        )

    def content_hash(self):
        return review.content_hash(self.content_snapshot())

    def review_status(self, *, today=None):
        """Whether this exact version is reviewed, pending or overdue; see ``education.review``."""
        return review.review_status(
            current_hash=self.content_hash(),
            approvals=self.approvals.all(),
            today=today or timezone.localdate(),
            months=review_months(),
        )


def review_months():
    return getattr(settings, "EDUCATION_REVIEW_MONTHS", review.DEFAULT_REVIEW_MONTHS)


class Reviewer(models.Model):
    """A staff member whose name and credentials are shown on the articles they approve."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_profile")
    name = models.CharField(max_length=120, help_text="As shown publicly, for example “Jane Smith”.")
    credentials = models.CharField(
        max_length=120, help_text="As shown publicly, for example “MD, board-certified psychiatrist”."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


class ArticleApproval(models.Model):
    """One reviewer's approval of one version (text and references) of an article. Never edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="approvals")
    approved_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the approved text and references.")
    # What was approved and under which name, kept as it was even if the article or profile changes later.
    content = models.JSONField()
    reviewer_name = models.CharField(max_length=120)
    reviewer_credentials = models.CharField(max_length=120)

    class Meta:
        ordering = ["-approved_at", "-id"]
        get_latest_by = "approved_at"

    def __str__(self):
        return f"{self.article} approved by {self.reviewer_name} on {self.approved_on:%Y-%m-%d}"

    @property
    def approved_on(self):
        return timezone.localdate(self.approved_at)


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
