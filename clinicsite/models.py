"""What the clinic says about itself, edited in the admin: its brand, team, insurance and costs,
and common questions. Locations are scheduling's (``scheduling.models.Location``)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinicsite import contrast, uploads
from scheduling.models import Location

LOGO_TYPES = {uploads.SVG, uploads.PNG}
FAVICON_TYPES = {uploads.SVG, uploads.PNG, uploads.ICO}
PHOTO_TYPES = {uploads.PNG, uploads.JPEG}
SMALL_FILE = 512 * 1024
PHOTO_FILE = 2 * 1024 * 1024


def _read(file) -> bytes:
    file.open("rb")
    try:
        file.seek(0)
        return file.read()
    finally:
        file.seek(0)


class ImageCheck:
    """A model-field validator around ``uploads.check_image`` (deconstructible for migrations)."""

    def __init__(self, allowed, max_bytes):
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes

    def __call__(self, file):
        try:
            uploads.check_image(_read(file), allowed=set(self.allowed), max_bytes=self.max_bytes)
        except uploads.UploadRefused as refused:
            raise ValidationError(str(refused), code="upload_refused") from None

    def deconstruct(self):
        return ("clinicsite.models.ImageCheck", (sorted(self.allowed), self.max_bytes), {})

    def __eq__(self, other):
        return isinstance(other, ImageCheck) and (self.allowed, self.max_bytes) == (other.allowed, other.max_bytes)


def upload_name(instance, filename):
    """A random name with the extension of the file's real type: the name a person gave it
    says nothing about what it is, and a random one cannot be guessed or collide."""
    kind = uploads.sniff(_read(instance._uploading)) if getattr(instance, "_uploading", None) else None
    extension = {"jpeg": "jpg"}.get(kind, kind) or filename.rsplit(".", 1)[-1].lower()[:5]
    return f"site/{uuid.uuid4().hex}.{extension}"


class _UploadNamed(models.FileField):
    """A FileField that lets ``upload_name`` read the file's first bytes."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            model_instance._uploading = file
        try:
            return super().pre_save(model_instance, add)
        finally:
            model_instance._uploading = None


def _colour(value):
    try:
        contrast.parse_hex(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


# Every text the clinic types for patients has an optional Spanish twin (``<field>_es``); an empty
# twin shows the English on Spanish pages, marked as English (clinicsite.translations).
SPANISH_HELP = "Shown on the Spanish pages. Empty: the English is shown there, marked as English."


class SiteSettings(models.Model):
    """The one row (pk 1) that holds the clinic's brand and the words of its insurance page."""

    name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shown in the header and page titles. Empty: the CLINIC_NAME setting. Emails always use "
        "CLINIC_NAME, which should not mention a treatment.",
    )
    tagline = models.CharField(max_length=160, blank=True, help_text="A short line under the name on the home page.")
    tagline_es = models.CharField("tagline in Spanish", max_length=160, blank=True, help_text=SPANISH_HELP)
    logo = _UploadNamed(
        upload_to=upload_name,
        blank=True,
        validators=[ImageCheck(LOGO_TYPES, SMALL_FILE)],
        help_text="SVG or PNG, at most 512 KB; shown about 40 px high. SVGs with scripts, links or embedded "
        "content are refused.",
    )
    logo_alt = models.CharField(
        max_length=120, blank=True, help_text="What the logo says, for screen readers (usually the clinic's name)."
    )
    favicon = _UploadNamed(
        upload_to=upload_name,
        blank=True,
        validators=[ImageCheck(FAVICON_TYPES, SMALL_FILE)],
        help_text="The browser tab icon: a square SVG, PNG (at least 64 × 64) or ICO, at most 512 KB.",
    )
    social_image = _UploadNamed(
        upload_to=upload_name,
        blank=True,
        validators=[ImageCheck(PHOTO_TYPES, PHOTO_FILE)],
        help_text="The picture shown when a page is shared: PNG or JPEG, 1200 × 630, at most 2 MB.",
    )
    primary_colour = models.CharField(
        max_length=7,
        default="#1d5c63",
        validators=[_colour],
        help_text="Buttons (white text on it), links and headings (on white). Must reach 4.5:1 against white.",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#f4ead8",
        validators=[_colour],
        help_text="Soft bands behind dark text (the home page's hero). Must reach 4.5:1 against #1a1a1a.",
    )
    insurance_intro = models.TextField(
        blank=True, help_text="Opening words of the insurance and costs page. Empty: a general introduction."
    )
    prior_authorization = models.TextField(
        blank=True,
        help_text="How prior authorization works at this clinic. Empty: a general explanation. Plain text; a blank "
        "line starts a new paragraph.",
    )
    hours_es = models.CharField(
        "opening hours in Spanish",
        max_length=200,
        blank=True,
        help_text="The CLINIC_HOURS setting as Spanish readers should read it, for example: de lunes a viernes, "
        "de 8:30 a. m. a 5 p. m. Empty: the English is shown there, marked as English.",
    )
    insurance_intro_es = models.TextField("insurance intro in Spanish", blank=True, help_text=SPANISH_HELP)
    prior_authorization_es = models.TextField("prior authorization in Spanish", blank=True, help_text=SPANISH_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def clean(self):
        errors = {}
        for field, against, what in (
            ("primary_colour", contrast.WHITE, "white text on it"),
            ("accent_colour", contrast.INK, "dark text on it"),
        ):
            value = getattr(self, field)
            try:
                setattr(self, field, contrast.normalise(value))
            except ValueError:
                continue  # the field's own validator says so
            ratio = contrast.contrast_ratio(getattr(self, field), against)
            if ratio < contrast.AA_NORMAL_TEXT:
                errors[field] = (
                    f"{what.capitalize()} would have a contrast of {ratio:.2f}:1; WCAG AA asks for at least 4.5:1. "
                    + ("Choose a darker colour." if against == contrast.WHITE else "Choose a lighter colour.")
                )
        if errors:
            raise ValidationError(errors)


class Clinician(models.Model):
    name = models.CharField(max_length=120, help_text="As patients will address them, e.g. Dr. Ana Ruiz.")
    credentials = models.CharField(
        max_length=120, blank=True, help_text="For example MD, board-certified psychiatrist."
    )
    role = models.CharField(max_length=120, blank=True, help_text="For example Medical director, TMS.")
    photo = _UploadNamed(
        upload_to=upload_name,
        blank=True,
        validators=[ImageCheck(PHOTO_TYPES, PHOTO_FILE)],
        help_text="PNG or JPEG, square, at most 2 MB.",
    )
    photo_alt = models.CharField(max_length=200, blank=True, help_text="For example: Dr. Ruiz smiling, in her office.")
    bio = models.TextField(validators=[MaxLengthValidator(700)], help_text="A few sentences, at most 700 characters.")
    credentials_es = models.CharField("credentials in Spanish", max_length=120, blank=True, help_text=SPANISH_HELP)
    role_es = models.CharField("role in Spanish", max_length=120, blank=True, help_text=SPANISH_HELP)
    photo_alt_es = models.CharField("photo description in Spanish", max_length=200, blank=True, help_text=SPANISH_HELP)
    bio_es = models.TextField(
        "bio in Spanish", blank=True, validators=[MaxLengthValidator(700)], help_text=SPANISH_HELP
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class InsuranceCarrier(models.Model):
    class Covers(models.TextChoices):
        BOTH = "both", _("TMS and SPRAVATO")
        TMS = "tms", "TMS"
        SPRAVATO = "spravato", "SPRAVATO"

    name = models.CharField(max_length=120)
    covers = models.CharField(max_length=10, choices=Covers.choices, default=Covers.BOTH)
    notes = models.CharField(max_length=240, blank=True, help_text="For example: most commercial plans.")
    notes_es = models.CharField("notes in Spanish", max_length=240, blank=True, help_text=SPANISH_HELP)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class SelfPayPrice(models.Model):
    service = models.CharField(max_length=120, help_text="For example: TMS, full course.")
    price = models.CharField(
        max_length=80, help_text="A range as patients should read it, e.g. $250 to $350 a session."
    )
    notes = models.CharField(max_length=240, blank=True)
    service_es = models.CharField("service in Spanish", max_length=120, blank=True, help_text=SPANISH_HELP)
    price_es = models.CharField("price in Spanish", max_length=80, blank=True, help_text=SPANISH_HELP)
    notes_es = models.CharField("notes in Spanish", max_length=240, blank=True, help_text=SPANISH_HELP)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "service"]
        verbose_name = "self-pay price"

    def __str__(self):
        return self.service


class Question(models.Model):
    """A frequently asked question on the FAQ page."""

    question = models.CharField(max_length=200, unique=True)
    answer = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    question_es = models.CharField("question in Spanish", max_length=200, blank=True, help_text=SPANISH_HELP)
    answer_es = models.TextField("answer in Spanish", blank=True, help_text=SPANISH_HELP)
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    is_example = models.BooleanField(
        default=False,
        help_text="Shipped as an example: marked as such on the site until the clinic edits it and unticks this.",
    )

    class Meta:
        ordering = ["order", "question"]
        verbose_name = "frequently asked question"

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("clinicsite:faq") + f"#question-{self.pk}"


class LocationSpanish(models.Model):
    """The Spanish words of a location's public page (the location itself is scheduling's)."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="spanish")
    name = models.CharField("name in Spanish", max_length=100, blank=True, help_text=SPANISH_HELP)
    hours = models.TextField("hours in Spanish", blank=True, help_text=SPANISH_HELP)
    transit_notes = models.TextField("public transport in Spanish", blank=True, help_text=SPANISH_HELP)
    parking_notes = models.TextField("parking in Spanish", blank=True, help_text=SPANISH_HELP)

    class Meta:
        verbose_name = "location in Spanish"
        verbose_name_plural = "locations in Spanish"

    def __str__(self):
        return str(self.location)
