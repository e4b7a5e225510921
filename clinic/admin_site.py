"""The staff admin: two-factor sign-in when ADMIN_REQUIRE_2FA is on, and a dashboard."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.dashboard import dashboard


class TOTPAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """Password and authenticator code on one form: staff have one TOTP device each
    (see the enrol_totp command), so there is no device to choose."""

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required="Please enter the 6-digit code from your authenticator app.",
        invalid_token="That code did not match. Please enter the current code from your authenticator app.",
        device_required="This account has no authenticator app yet. Ask an administrator to enrol one.",
        n_failed_attempts="After a wrong code, the next try has to wait a few seconds. Please try again shortly.",
    )

    def _chosen_device(self, user):
        chosen = super()._chosen_device(user)
        return chosen or TOTPDevice.objects.filter(user=user, confirmed=True).first()


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
        return TOTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    def has_permission(self, request):
        allowed = super().has_permission(request)
        if settings.ADMIN_REQUIRE_2FA:
            # Signed in with a password alone is not enough: the session must be OTP-verified.
            return allowed and request.user.is_verified()
        return allowed

    def index(self, request, extra_context=None):
        return super().index(request, {"dashboard": dashboard(request.user), **(extra_context or {})})
