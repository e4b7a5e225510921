from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from education.models import Article, Reference, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "status", "published_at", "reviewer_name", "last_reviewed", "preview_link"]
    list_filter = ["status", "topic", "last_reviewed"]
    list_select_related = ["topic"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related"]
    date_hierarchy = "published_at"
    readonly_fields = ["preview_link", "reading_time", "created_at", "updated_at"]
    inlines = [ReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "summary", "body", "reading_time"]}),
        (
            "Medical review",
            {
                "fields": ["reviewer_name", "reviewer_credentials", "last_reviewed"],
                "description": "Required before an article can be published.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "preview_link", "created_at", "updated_at"]}),
        ("Related articles", {"fields": ["related"]}),
    ]

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
