"""Add an intake coordinator: a staff account in the "Intake coordinators" group (not a
superuser), with a password and an authenticator app for the two-factor sign-in."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.roles import coordinator_group_sync


class Command(BaseCommand):
    # As createsuperuser does: tests and scripts may hand in their own standard input.
    stealth_options = ("stdin",)
    help = "Create an intake coordinator (staff, not superuser), set a password, and enrol their authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help='Full name, for example "Casey Jones".')
        parser.add_argument("--username", help="Sign-in name (defaults to the email address).")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input (for scripts)."
        )

    def handle(self, email, name, username=None, password_stdin=False, **options):
        username = username or email
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called {username!r}.")
        first, _, last = name.strip().partition(" ")
        user = User(username=username, email=email, first_name=first, last_name=last, is_staff=True)
        password = self._password(user, options.get("stdin", sys.stdin) if password_stdin else None)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(coordinator_group_sync())
        self.stdout.write(f"Created {username}, an intake coordinator (staff, not a superuser).\n")
        call_command("enrol_totp", username, stdout=self.stdout)

    def _password(self, user, stdin):
        for _ in range(3):
            if stdin is not None:
                password = stdin.readline().rstrip("\n")
                again = password
            else:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            if password != again:
                self.stderr.write("The two passwords differ. Please try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                if stdin is not None:
                    raise CommandError(" ".join(error.messages)) from error
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No password was set; nothing was created.")
