"""The public consultation request form."""

import unicodedata
import uuid
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing, validators
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from booking.models import ConsultationRequest
from booking.services import texts

R = ConsultationRequest
STARTED_SALT = "booking.consultation-form.started"


# Line breaks and control characters could forge email headers; format and direction characters
# (right-to-left overrides, zero-width marks) make a name display as something else.
UNUSABLE_IN_NAMES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def validate_name(value: str) -> None:
    if any(unicodedata.category(ch) in UNUSABLE_IN_NAMES for ch in value):
        raise forms.ValidationError(
            _(
                "Your name has a character we cannot use, such as a line break or an invisible character. "
                "Please type it again using letters, spaces, hyphens or apostrophes."
            ),
            code="unusable_character",
        )


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# A number the phone validator accepts (555-01XX numbers are set aside for fiction and examples).
PHONE_EXAMPLE = "(202) 555-0143"


# The choices in the patient's words and language. The stored values, and the labels staff read in
# the admin, stay on the model (plain strings there: exports and webhooks join and serialise them).
CONTACT_CHOICES = [
    (R.ContactMethod.PHONE, _("Phone call")),
    (R.ContactMethod.TEXT, _("Text message")),
    (R.ContactMethod.EMAIL, _("Email")),
]
BEST_TIME_CHOICES = [
    (R.BestTime.MORNING, _("Weekday mornings")),
    (R.BestTime.AFTERNOON, _("Weekday afternoons")),
    (R.BestTime.EVENING, _("Weekday evenings")),
    (R.BestTime.WEEKEND, _("Weekends")),
]
INTEREST_CHOICES = [
    (R.Interest.TMS, "TMS"),
    (R.Interest.SPRAVATO, _("SPRAVATO (esketamine)")),
    (R.Interest.NOT_SURE, _("Not sure yet")),
]
PRESCRIBER_CHOICES = [(R.Prescriber.YES, _("Yes")), (R.Prescriber.NO, _("No"))]
HEARD_ABOUT_CHOICES = [
    (R.HeardAbout.SEARCH, _("Internet search")),
    (R.HeardAbout.DOCTOR, _("My doctor or therapist")),
    (R.HeardAbout.FRIEND, _("Friend or family")),
    (R.HeardAbout.INSURANCE, _("My insurance")),
    (R.HeardAbout.SOCIAL, _("Social media")),
    (R.HeardAbout.OTHER, _("Other")),
]


class ConsultationRequestForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        validators=[validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneNumberField(
        label=_("Mobile phone"),
        region=settings.PHONENUMBER_DEFAULT_REGION,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "invalid": format_lazy(_("Please enter a phone number we can call, for example {}."), PHONE_EXAMPLE)
        },
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y"],
        error_messages={"invalid": _("Please enter your date of birth as month, day and year.")},
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"), choices=CONTACT_CHOICES, widget=forms.RadioSelect
    )
    best_times = forms.MultipleChoiceField(
        label=_("Best times to reach you"),
        choices=BEST_TIME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave blank if any time is fine."),
    )
    interest = forms.ChoiceField(
        label=_("What would you like to know about?"), choices=INTEREST_CHOICES, widget=forms.RadioSelect
    )
    has_prescriber = forms.ChoiceField(
        label=_("Do you have a doctor or nurse practitioner who prescribes your medicines now?"),
        choices=PRESCRIBER_CHOICES,
        widget=forms.RadioSelect,
    )
    insurance_carrier = forms.CharField(label=_("Insurance company (optional)"), max_length=120, required=False)
    heard_about = forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        choices=[("", _("Choose one"))] + HEARD_ABOUT_CHOICES,
        required=False,
    )
    message = forms.CharField(
        label=_("Anything you would like us to know? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Please do not write about anything urgent here: this form is not read around the clock. "
            "If you are in crisis, call or text 988."
        ),
    )
    consent_to_contact = forms.BooleanField(
        label=_("I agree that the clinic may contact me by phone, text or email about my request."),
        error_messages={"required": _("Please agree that we may contact you, so we can call you back.")},
    )
    privacy_acknowledged = forms.BooleanField(
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )
    # Asked apart from the consent to be contacted, unticked: reminder texts are an extra.
    sms_reminders = forms.BooleanField(required=False)

    # Hidden plumbing: which article the visitor came from, a one-time token against
    # double submission, when the form was shown, and a field only robots fill in.
    article = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, article_slug="", **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("submission_token", uuid.uuid4())
        initial.setdefault("started", self.fresh_started())
        initial.setdefault("article", article_slug)
        super().__init__(*args, **kwargs)
        sms_fields = ["sms_reminders"] if texts.sms_enabled() else []
        if sms_fields:
            self.fields["sms_reminders"].label = texts.sms_consent_text()
        else:
            del self.fields["sms_reminders"]
        self.fields["privacy_acknowledged"].label = format_html(
            _('I have read the <a href="{}" target="_blank" rel="noopener">privacy notice</a> (opens in a new tab).'),
            reverse("privacy"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                Div(Div("first_name", css_class="col-sm-6"), Div("last_name", css_class="col-sm-6"), css_class="row"),
                "date_of_birth",
            ),
            Fieldset(_("How to reach you"), "email", "phone", "preferred_contact", "best_times"),
            Fieldset(_("What you are looking for"), "interest", "has_prescriber", "insurance_carrier", "heard_about"),
            Fieldset(_("Your message"), "message", HTML('{% include "includes/_crisis_line.html" %}')),
            Fieldset(_("Before you send"), "consent_to_contact", *sms_fields, "privacy_acknowledged"),
            Div(Field("website"), css_class="form-trap", aria_hidden="true"),
            "article",
            "submission_token",
            "started",
            HTML(
                format_html(
                    '<p class="small text-body-secondary">{}</p>', _("We usually call back within one business day.")
                )
            ),
            Submit("submit", _("Send my request"), css_class="btn-lg"),
        )

    def clean_article(self):
        # Where the visitor came from is nice to know, never a reason to refuse the form: a
        # mangled value in a hidden field (which the patient cannot see or fix) is dropped.
        article = self.cleaned_data["article"].strip()
        return article if validators.slug_re.fullmatch(article) else ""

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("That date is in the future. Please check your date of birth."))
        if age_on(born, today) > 120:
            raise forms.ValidationError(_("Please check the year of your date of birth."))
        if age_on(born, today) < 18:
            raise forms.ValidationError(
                _(
                    "This form is for adults 18 and over. Please call us at %(phone)s and we will help you "
                    "find the right care."
                ),
                params={"phone": settings.CLINIC_PHONE},
                code="minor",
            )
        return born

    def looks_automated(self) -> bool:
        """Filled the hidden field, or sent a "form started" value we never signed. Checked before
        validation; such a post is answered as if it worked."""
        if self.data.get("website"):
            return True
        try:
            signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
        except signing.SignatureExpired:
            return False
        except signing.BadSignature:
            return True
        return False

    def needs_confirmation(self) -> bool:
        """Sent faster than a person types (autofill does that), or from a form left open too long:
        possibly a person, so they are asked to confirm rather than silently dropped."""
        try:
            started = signing.loads(
                self.data.get("started", ""),
                salt=STARTED_SALT,
                max_age=settings.CONSULTATION_FORM_MAX_AGE_HOURS * 3600,
            )
        except signing.BadSignature:
            return True
        return timezone.now().timestamp() - float(started) < settings.CONSULTATION_MIN_FILL_SECONDS

    @staticmethod
    def fresh_started() -> str:
        return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "email": data["email"],
            "phone": data["phone"],
            "date_of_birth": data["date_of_birth"],
            "preferred_contact": data["preferred_contact"],
            "best_times": data["best_times"],
            "interest": data["interest"],
            "has_prescriber": data["has_prescriber"],
            "insurance_carrier": data["insurance_carrier"].strip(),
            "heard_about": data["heard_about"],
            "message": data["message"].strip(),
            "consent_to_contact": data["consent_to_contact"],
            "source_article": data["article"] or "",
            "submission_token": data["submission_token"],
            "sms_consent_text": self.fields["sms_reminders"].label if data.get("sms_reminders") else "",
        }


class IntakeConfirmForm(forms.Form):
    """A link opened in a browser that did not start the intake: the patient's date of birth first."""

    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y"],
        error_messages={"invalid": _("Please enter your date of birth as month, day and year.")},
    )
