"""Upgrading a database that holds the old placeholder reviewer."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("education", "0001_initial")]
AFTER = [("education", "0002_reviewers_and_approved_versions")]


@pytest.mark.django_db(transaction=True)
def test_the_placeholder_reviewer_is_gone_after_the_migration(client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Topic = old_apps.get_model("education", "Topic")
    Article = old_apps.get_model("education", "Article")
    article = Article.objects.create(
        title="What TMS is",
        slug="what-tms-is",
        topic=Topic.objects.create(name="TMS", slug="tms"),
        summary="A plain explanation of TMS, a treatment that uses magnetic pulses.",
        body="TMS uses magnetic pulses.",
        status="published",
        published_at="2026-11-01T12:00:00Z",
        reviewer_name="Medical Director",
        reviewer_credentials="MD, board-certified psychiatrist",
        last_reviewed="2026-11-01",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # Back to the newest state, so later tests see the schema they expect.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("education"))

    html = client.get(f"/learn/{article.slug}/").content.decode()
    assert "Clinical review pending." in html
    assert "Medical Director" not in html and "Medically reviewed by" not in html
