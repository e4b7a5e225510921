"""The staff admin: two-factor sign-in when ADMIN_REQUIRE_2FA is on, and a dashboard."""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.dashboard import dashboard
from core.signin import account_signin_paused
from education.dashboard import review_dashboard

# One message for a wrong password and for a right password with a wrong or missing code, so
# that the page never confirms a guessed password.
SIGN_IN_REFUSED = (
    "Signing in did not work: the username, password or code is not right. "
    "Please try again with the current code from your authenticator app."
)
SIGN_IN_PAUSED = (
    "Signing in to this account from here is paused after many failed attempts. Please try again "
    "later, or ask an administrator."
)


class AccountLimitMixin:
    """Refuses an account under attack from new addresses (core/signin.py) before any password check."""

    def clean(self):
        if account_signin_paused(username=self.cleaned_data.get("username"), request=self.request):
            raise forms.ValidationError(SIGN_IN_PAUSED, code="paused")
        return super().clean()


class ClinicAuthenticationForm(AccountLimitMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": SIGN_IN_REFUSED}


class TOTPAdminAuthenticationForm(AccountLimitMixin, OTPAdminAuthenticationForm):
    """Password and authenticator code on one form: staff have one TOTP device each
    (see the enrol_totp command), so there is no device to choose.

    A wrong or missing code is a failed sign-in like a wrong password: audited, counted by
    django-axes towards the lockout, and answered with the same message."""

    error_messages = {**OTPAdminAuthenticationForm.error_messages, "invalid_login": SIGN_IN_REFUSED}

    def _chosen_device(self, user):
        chosen = super()._chosen_device(user)
        return chosen or TOTPDevice.objects.filter(user=user, confirmed=True).first()

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code in ("invalid_login", "paused") or self.user_cache is None:
                raise
            # The password was right and the code was not: nothing else has recorded it.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username", "")},
                request=self.request,
                second_factor=True,
            )
            raise forms.ValidationError(SIGN_IN_REFUSED, code="invalid_login") from error


class ClinicAdminSite(AdminSite):
    site_header = "Clinic staff"
    site_title = "Clinic staff"
    index_title = "Today"
    index_template = "admin/clinic_index.html"
    login_template = "admin/clinic_login.html"
    # The request list needs the width (every column, Safety and Assigned included, at 1280 px);
    # the index and the breadcrumbs lead everywhere the sidebar did.
    enable_nav_sidebar = False

    @property
    def login_form(self):
        return TOTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else ClinicAuthenticationForm

    def has_permission(self, request):
        allowed = super().has_permission(request)
        if settings.ADMIN_REQUIRE_2FA:
            # Signed in with a password alone is not enough: the session must be OTP-verified.
            return allowed and request.user.is_verified()
        return allowed

    def index(self, request, extra_context=None):
        context = {"dashboard": dashboard(request.user)}
        if request.user.has_perm("education.change_article"):
            context["education_review"] = review_dashboard()
        return super().index(request, {**context, **(extra_context or {})})
