"""The clinic's letter of medical necessity templates (the packets themselves open from a request)."""

from django import forms
from django.contrib import admin

from booking.models import LetterTemplate
from booking.packets import DEFAULT_LETTERS, LETTER_FIELDS


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["treatment", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}
        help_texts = {
            "body": "Filled in for each packet. Available: " + ", ".join(f"${name}" for name in LETTER_FIELDS) + "."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("body", DEFAULT_LETTERS["tms"])


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ["treatment", "updated_at"]
