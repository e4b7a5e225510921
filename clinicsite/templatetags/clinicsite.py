from django import template

from clinicsite import translations

register = template.Library()


@register.filter
def in_language(obj, field):
    """``{% with bio=person|in_language:"bio" %}<p{{ bio.lang_attr }}>{{ bio }}</p>{% endwith %}``"""
    return translations.shown(obj, field)
