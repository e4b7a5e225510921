"""Article bodies: Markdown written by staff, turned into HTML that is safe to show.

Markdown passes raw HTML through untouched, so its output is never trusted: nh3
keeps a short list of tags and attributes and drops everything else, including
scripts, event handlers (onerror=...) and inline styles, which the site's CSP
would block anyway.
"""

import markdown
import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"https", "http", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML.

    The page title is the only <h1>; a "# heading" in a body is reduced to its text,
    so authors use "##" and below.
    """
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"table": {"class": "table"}},
    )


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown body, for word counts and readability checks."""
    return strip_tags(render_markdown(text))
