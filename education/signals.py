"""Cache invalidation on every write path: admin, the content loader, the shell, fixtures.

Only cache upkeep happens here; no content rule depends on these receivers.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from education import caching
from education.models import Article, Reference, Topic


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
@receiver(post_save, sender=Reference)
@receiver(post_delete, sender=Reference)
@receiver(m2m_changed, sender=Article.related.through)
def content_changed(sender, **kwargs):
    caching.invalidate()
