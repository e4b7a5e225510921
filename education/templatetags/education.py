import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import dateformat, formats, translation
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: "</script>" in a title cannot end the block early.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """JSON for a <script type="application/ld+json"> block."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))


@register.filter
def long_date(value):
    """A date written out in the page's language: "November 3, 2026", "3 de noviembre de 2026"."""
    if not value:
        return ""
    if translation.get_language() == "en":
        # Django's English DATE_FORMAT abbreviates the month ("Nov. 3, 2026"); the pages spell it out.
        return dateformat.format(value, "F j, Y")
    return formats.date_format(value, "DATE_FORMAT")
