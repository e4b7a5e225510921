from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from education.models import Article, ArticleApproval, Reference, Reviewer, Topic, review_months
from education.review import ReviewState
from education.services import VersionChanged, article_review_approve, reviewer_can_approve


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count


class ReferenceInline(admin.TabularInline):
    model = Reference
    fields = ["position", "citation", "url"]
    extra = 1
    max_num = 100
    # References are typed or pasted without a scheme now and then; they are always https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_formset(self, request, obj=None, **kwargs):
        # Without it Django builds up to max_num + 1,000 forms for whatever count a post claims.
        return super().get_formset(request, obj, absolute_max=self.max_num, **kwargs)


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "user", "updated_at"]
    search_fields = ["name", "credentials", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["user", "name", "credentials", "created_at", "updated_at"]


class ArticleApprovalInline(admin.TabularInline):
    """The article's review history. Rows are added only by the "Approve this version" action."""

    model = ArticleApproval
    verbose_name = "approval"
    verbose_name_plural = "Review history (approvals, newest first)"
    fields = ["approved_at", "reviewer_name", "reviewer_credentials", "reviewer", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="version")
    def version(self, approval):
        current = approval.content_hash == approval.article.content_hash()
        return f"{approval.content_hash[:12]} ({'shown now' if current else 'an earlier version'})"


class ReviewStateFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("pending", "Pending (never reviewed or changed)"),
            ("overdue", "Overdue"),
            ("needs_review", "Pending or overdue"),
            ("current", "Reviewed and current"),
        ]

    def queryset(self, request, queryset):
        wanted = {
            "pending": {ReviewState.NEVER_REVIEWED, ReviewState.CHANGED},
            "overdue": {ReviewState.OVERDUE},
            "needs_review": {ReviewState.NEVER_REVIEWED, ReviewState.CHANGED, ReviewState.OVERDUE},
            "current": {ReviewState.CURRENT},
        }.get(self.value())
        if wanted is None:
            return queryset
        # The state depends on a hash of text and references, so it is computed in Python
        # (the admin's queryset already prefetches both); a clinic has tens of articles, not thousands.
        pks = [article.pk for article in queryset if article.review_status().state in wanted]
        return queryset.filter(pk__in=pks)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "topic",
        "status",
        "review_state",
        "last_reviewed",
        "next_review",
        "preview_link",
    ]
    list_filter = ["language", "status", ReviewStateFilter, "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "preview_link",
        "reading_time",
        "created_at",
        "updated_at",
        "review_state",
        "last_reviewed",
        "next_review",
    ]
    inlines = [ReferenceInline, ArticleApprovalInline]
    actions = ["approve_this_version"]
    change_form_template = "education/admin/article_change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "topic", "summary", "body", "reading_time"]}),
        (
            "Medical review",
            {
                "fields": ["review_state", "last_reviewed", "next_review"],
                "description": (
                    "A reviewer approves the saved text and references with the “Approve this version” button "
                    "at the top of this page, or the action of that name on the article list. Any later change "
                    "to the title, summary, text or references puts the article back to “review pending” on "
                    "the public page."
                ),
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "preview_link", "created_at", "updated_at"]}),
        ("Related articles", {"fields": ["related"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_review()

    def get_urls(self):
        return [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="education_article_approve",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None and self.has_approve_permission(request):
            # The button approves the version the reviewer is reading, and nothing saved after it.
            extra_context["approve_url"] = reverse("admin:education_article_approve", args=[article.pk])
            extra_context["approve_version"] = article.content_hash()
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def approve_view(self, request, pk):
        if not self.has_approve_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=pk)
        try:
            article_review_approve(
                article=article,
                reviewer=request.user.reviewer_profile,
                expected_hash=request.POST.get("version", ""),
            )
        except VersionChanged as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                f"You approved this version of “{article.title}” ({article.get_language_display()}). "
                f"Its next review is due in {review_months()} months.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:education_article_change", args=[article.pk]))

    def _status(self, article):
        # One computation per article and request, shared by the three columns below.
        if not hasattr(article, "_admin_review_status"):
            article._admin_review_status = article.review_status()
        return article._admin_review_status

    @admin.display(description="medical review")
    def review_state(self, article):
        if not article.pk:
            return "Review pending (never reviewed)"
        return self._status(article).label

    @admin.display(description="last reviewed")
    def last_reviewed(self, article):
        status = self._status(article) if article.pk else None
        return status.last_reviewed if status and status.last_reviewed else "-"

    @admin.display(description="next review")
    def next_review(self, article):
        status = self._status(article) if article.pk else None
        if status is None or status.next_review is None:
            return "Now (pending)"
        return status.next_review

    def has_approve_permission(self, request):
        return reviewer_can_approve(getattr(request.user, "reviewer_profile", None))

    @admin.action(description="Approve this version (medical review)", permissions=["approve"])
    def approve_this_version(self, request, queryset):
        reviewer = getattr(request.user, "reviewer_profile", None)
        approved = []
        for article in queryset:
            try:
                article_review_approve(article=article, reviewer=reviewer)
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            approved.append(article.title)
        months = review_months()
        self.message_user(
            request,
            f"Approved as reviewed by {reviewer}: {', '.join(approved)}. Next review due in {months} months.",
            messages.SUCCESS,
        )

    @admin.display(description="preview")
    def preview_link(self, article):
        if not article.pk:
            return "Save the article first."
        label = "View" if article.is_published else "Preview draft"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label)

    @admin.display(description="reading time")
    def reading_time(self, article):
        if not article.pk:
            return "-"
        return f"{article.reading_minutes} min ({article.word_count} words)"
