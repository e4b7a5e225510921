import pytest
from django.core.cache import cache

from education import caching


@pytest.fixture(autouse=True)
def fresh_education_cache():
    # The cache outlives a test's database transaction. Without a version key, every
    # page is built afresh.
    cache.delete(caching.VERSION_KEY)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="a-long-password-123", is_staff=True)
    client.force_login(user)
    return client
