"""The waitlist form: which consultation, where, and the days and parts of the day that work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling.models import Availability, ConsultationType, Location, WaitlistEntry


class WaitlistForm(forms.Form):
    consultation_type = forms.ModelChoiceField(
        label=_("Type of consultation"), queryset=ConsultationType.objects.none(), empty_label=None
    )
    location = forms.ModelChoiceField(label=_("Clinic location"), queryset=Location.objects.none(), empty_label=None)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that work for you"),
        choices=Availability.Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked if any day is fine."),
    )
    day_parts = forms.MultipleChoiceField(
        label=_("Times of day that work for you"),
        choices=WaitlistEntry.DayPart.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked if any time is fine. Times are the clinic's local time."),
    )

    def __init__(self, *args, types, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation_type"].queryset = ConsultationType.objects.filter(pk__in=[t.pk for t in types])
        self.fields["location"].queryset = Location.objects.filter(pk__in=[loc.pk for loc in locations])
        # One choice is no choice: it goes along unseen.
        if len(types) == 1:
            self.fields["consultation_type"].widget = forms.HiddenInput()
            self.fields["consultation_type"].initial = types[0].pk
        if len(locations) == 1:
            self.fields["location"].widget = forms.HiddenInput()
            self.fields["location"].initial = locations[0].pk
