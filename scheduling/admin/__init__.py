"""Scheduling in the admin: set-up (types, locations, hours) and appointments, with the agenda and
the move form as views of their own."""

from scheduling.admin import appointments, setup, waitlist  # noqa: F401 - registers the ModelAdmins
