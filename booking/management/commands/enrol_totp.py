"""Give a staff member an authenticator-app (TOTP) device for the two-factor sign-in."""

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create a TOTP device for a user and print the QR code to scan with an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="Remove the user's existing devices first.")

    def handle(self, username, replace=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        elif TOTPDevice.objects.filter(user=user).exists():
            raise CommandError(f"{username} already has a device; use --replace to issue a new one.")
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        code = qrcode.QRCode(border=1)
        code.add_data(device.config_url)
        code.print_ascii(out=self.stdout, invert=True)
        self.stdout.write(f"\nScan this with the authenticator app of {username}, or enter this address:\n")
        self.stdout.write(device.config_url + "\n")
