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


@transaction.atomic
def article_review_approve(*, article: Article, reviewer: Reviewer) -> ArticleApproval:
    """Record that ``reviewer`` approved the version of ``article`` saved in the database now.

    The version is read again under a row lock, so what is approved is what readers get,
    not whatever an older copy in memory holds.
    """
    if not reviewer_can_approve(reviewer):
        raise PermissionDenied("Only an active staff reviewer with the approval permission can approve an article.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    snapshot = locked.content_snapshot()
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
