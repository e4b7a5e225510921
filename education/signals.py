"""Cache invalidation on every write path: admin, the content loader, the shell, fixtures.

Only cache upkeep happens here; no content rule depends on these receivers.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from education import caching
from education.models import Article, ArticleApproval, Reference, Reviewer, Topic


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=Reference)
@receiver(post_delete, sender=Reference)
# Approvals and reviewer names change what the review line on a page says.
@receiver(post_save, sender=ArticleApproval)
@receiver(post_delete, sender=ArticleApproval)
@receiver(post_save, sender=Reviewer)
@receiver(post_delete, sender=Reviewer)
@receiver(m2m_changed, sender=Article.related.through)
def content_changed(sender, **kwargs):
    caching.invalidate()
