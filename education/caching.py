"""The cache behind the public education pages.

Any change to a topic, article or reference replaces the content version, so every page built
from the old content is ignored at once (a changed title also shows in lists, related links and
topic pages). An edit made while Redis was unreachable may show only once its pages expire.
"""

from django.conf import settings

from core.caching import VersionedCache

pages = VersionedCache("education", timeout=lambda: settings.EDUCATION_CACHE_SECONDS)
VERSION_KEY = pages._version_key

content_version = pages.version
invalidate = pages.invalidate
get_or_build = pages.get_or_build
