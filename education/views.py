"""Public education pages. What each page shows is built (and cached) in ``pages``."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from education import pages
from education.models import Article

MAX_SEARCH_RESULTS = 30


def _max_age():
    # Shorter than the server-side cache: a proxy cannot be told when an article changes.
    return settings.EDUCATION_MAX_AGE_SECONDS


def _render_cacheable(request, template_name, page, extra_context=None):
    """Render a public page with validators, answering 304 when the visitor's copy is current."""
    last_modified = int(page.last_modified.timestamp()) if page.last_modified else None
    response = get_conditional_response(request, etag=page.etag, last_modified=last_modified)
    if response is None:
        response = render(request, template_name, {**page.context, **(extra_context or {})})
    response.headers["ETag"] = page.etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=_max_age())
    return response


@require_safe
def index(request):
    return _render_cacheable(request, "education/index.html", pages.index_page())


@require_safe
def topic_detail(request, slug):
    page = pages.topic_page(slug)
    if page is None:
        raise Http404("No such topic.")
    return _render_cacheable(request, "education/topic_detail.html", page)


def _language_links(request, versions):
    """The language switch and hreflang alternates, limited to the versions of the article that exist."""
    names = dict(settings.LANGUAGES)
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": names[code],
            "url": url,
            "absolute_url": request.build_absolute_uri(url),
            "current": code == current,
        }
        for code, url in versions
    ]


@require_safe
def article_detail(request, slug):
    page = pages.article_page(slug, user=request.user)
    if page is None:
        raise Http404("No such article.")
    untranslated = page.context.get("untranslated", False)
    template_name = "education/article_untranslated.html" if untranslated else "education/article_detail.html"
    extra = {"language_links": _language_links(request, page.context["versions"])}
    if request.user.is_staff:
        # Staff see the live version, drafts included; it must never be kept by a proxy.
        shown = page.context["original"] if untranslated else page.context["article"]
        response = render(request, template_name, {**page.context, **extra, "preview": not shown.is_published})
        add_never_cache_headers(response)
        return response
    return _render_cacheable(request, template_name, page, extra)


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()
    language = translation.get_language()
    results = []
    if query:
        # Each language searches its own articles, with its own stemming; see ``education.search``.
        found = Article.objects.published().in_language(language).select_related("topic").search(query, language)
        results = [pages.localize_topic_of(article, language) for article in found[:MAX_SEARCH_RESULTS]]
    return render(request, "education/search.html", {"query": query, "results": results})
