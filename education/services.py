"""Writes that carry a medical claim go through here."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from education import review
from education.models import Article, ArticleApproval, Reviewer

APPROVE_PERMISSION = "education.approve_article"


def reviewer_can_approve(reviewer: Reviewer | None) -> bool:
    if reviewer is None:
        return False
    user = reviewer.user
    return user.is_active and user.is_staff and user.has_perm(APPROVE_PERMISSION)


class VersionChanged(Exception):
    """The article was edited after the reviewer opened it; they have not read what is saved now."""


@transaction.atomic
def article_review_approve(
    *, article: Article, reviewer: Reviewer, expected_hash: str | None = None
) -> ArticleApproval:
    """Record that ``reviewer`` approved the version of ``article`` saved in the database now.

    The version is read again under a row lock, so what is approved is what readers get,
    not whatever an older copy in memory holds. With ``expected_hash`` (the version the
    reviewer was shown), an article edited in the meantime is refused with ``VersionChanged``.
    """
    if not reviewer_can_approve(reviewer):
        raise PermissionDenied("Only an active staff reviewer with the approval permission can approve an article.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    snapshot = locked.content_snapshot()
    if expected_hash is not None and expected_hash != review.content_hash(snapshot):
        raise VersionChanged("The article was changed after you opened it. Read the saved version, then approve it.")
    approval = ArticleApproval(
        article=locked,
        reviewer=reviewer,
        approved_at=timezone.now(),
        content_hash=review.content_hash(snapshot),
        content=snapshot,
        reviewer_name=reviewer.name,
        reviewer_credentials=reviewer.credentials,
    )
    approval.full_clean()
    approval.save()
    return approval
