import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: "</script>" in a title cannot end the block early.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """JSON for a <script type="application/ld+json"> block."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))
