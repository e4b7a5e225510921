"""A limit on failed sign-ins per account, whatever address they come from.

django-axes pauses one username from one address after a few failures (settings.AXES_*);
guessing from many addresses gets past that. Here, once an account has had
ACCOUNT_FAILURE_LIMIT failures within ACCOUNT_FAILURE_WINDOW_MINUTES from anywhere, sign-in to
it is paused for addresses it has never signed in from, and its owner is told by email.

The failures are the audit trail's own entries (one per failed password or code), so the count
survives a Redis outage and needs no second store. Someone who wants to lock a staff member out
can still pause new addresses, but not the addresses that person has signed in from in the
last KNOWN_ADDRESS_DAYS: see SECURITY.md.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.mail import send_mail
from django.dispatch import receiver
from django.utils import timezone

from core.audit import audit_record, current_ip
from core.models import AuditEvent
from core.ratelimit import client_ip

logger = logging.getLogger(__name__)

KNOWN_ADDRESS_DAYS = 30


def _recent_failures(username: str) -> int:
    since = timezone.now() - timedelta(minutes=settings.ACCOUNT_FAILURE_WINDOW_MINUTES)
    return AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username=username, at__gte=since).count()


def _known_address(username: str, address: str) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN, username=username, ip_address=address, at__gte=since
    ).exists()


def account_signin_paused(*, username: str, request) -> bool:
    """True when this account has had too many failures lately and this address is new to it."""
    username = (username or "")[:150]
    if not username or _recent_failures(username) < settings.ACCOUNT_FAILURE_LIMIT:
        return False
    return not _known_address(username, client_ip(request))


@receiver(user_login_failed)
def _count_account_failure(sender, credentials, request=None, **kwargs):
    # Runs after core.audit has recorded this failure (its receiver is connected first).
    username = str(credentials.get("username", ""))[:150]
    if username and _recent_failures(username) == settings.ACCOUNT_FAILURE_LIMIT:
        account_owner_alert(username=username)


def account_owner_alert(*, username: str) -> None:
    """Tell the account's owner, once per pause, that sign-in from new addresses is paused."""
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=user,
        summary=f"Sign-in from new addresses paused after {settings.ACCOUNT_FAILURE_LIMIT} failures",
        details={"last_address": current_ip.get()},
    )
    if user is None or not user.email:
        return
    # Sent here rather than through a queue: the request that trips the limit is the one
    # guessing, so it is the one that waits (at most EMAIL_TIMEOUT), and a failure is only logged.
    try:
        send_mail(
            f"{settings.CLINIC_NAME}: repeated failed sign-ins to your staff account",
            (
                f"Hello,\n\nThere have been {settings.ACCOUNT_FAILURE_LIMIT} failed attempts to sign in to your staff "
                f"account at {settings.SITE_URL}/admin/ in the last {settings.ACCOUNT_FAILURE_WINDOW_MINUTES} "
                "minutes, from one or more addresses.\n\nFor a while, signing in is paused except from "
                "addresses you have signed in from before. If these attempts were not yours, tell an "
                "administrator; your password may need changing.\n"
            ),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception as exc:
        logger.warning("Could not send the sign-in alert to an account owner (%s).", type(exc).__name__)
