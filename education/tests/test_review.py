"""Medical review: a page names a reviewer only for the exact version that person approved."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from education import caching
from education.dashboard import review_dashboard
from education.models import ArticleApproval
from education.review import Approval, ReviewState, add_months, review_status
from education.services import article_review_approve
from education.tests.factories import ArticleFactory, ReferenceFactory, ReviewerFactory, UserFactory

APPROVED_AT = "2026-03-10 10:00:00-05:00"


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(name="Jane Smith", credentials="MD, board-certified psychiatrist")


@pytest.fixture
def approved_article(db, reviewer, time_machine):
    time_machine.move_to(APPROVED_AT, tick=False)
    article = ArticleFactory(title="What TMS is", body="TMS uses magnetic pulses.")
    ReferenceFactory(article=article, citation="Someone (2020). A study.", url="https://doi.org/10.1/a")
    article_review_approve(article=article, reviewer=reviewer)
    time_machine.move_to("2026-04-01 09:00:00-05:00", tick=False)
    article.refresh_from_db()
    return article


def _change_first_reference(article, **fields):
    reference = article.references.first()
    for name, value in fields.items():
        setattr(reference, name, value)
    reference.save()


# --- The rule, in plain Python -------------------------------------------------------------


def test_only_an_approval_of_the_same_version_counts_and_only_for_the_review_period():
    approvals = [Approval(datetime.date(2026, 1, 31), "v1")]
    assert review_status(current_hash="v1", approvals=[], today=datetime.date(2026, 2, 1)).state == (
        ReviewState.NEVER_REVIEWED
    )
    assert review_status(current_hash="v2", approvals=approvals, today=datetime.date(2026, 2, 1)).state == (
        ReviewState.CHANGED
    )
    current = review_status(current_hash="v1", approvals=approvals, today=datetime.date(2027, 1, 30))
    assert current.state == ReviewState.CURRENT and current.next_review == datetime.date(2027, 1, 31)
    assert review_status(current_hash="v1", approvals=approvals, today=datetime.date(2027, 1, 31)).state == (
        ReviewState.OVERDUE
    )
    assert review_status(current_hash="v1", approvals=approvals, today=datetime.date(2026, 8, 1), months=6).state == (
        ReviewState.OVERDUE
    )


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)
    assert add_months(datetime.date(2026, 12, 1), 1) == datetime.date(2027, 1, 1)


# --- The public page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unapproved_article_says_review_is_pending_and_claims_no_reviewer(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Clinical review pending." in html
    assert "Medically reviewed by" not in html
    data = _json_ld(html)
    assert "reviewedBy" not in data and "lastReviewed" not in data


def test_an_approved_article_names_its_reviewer_credentials_and_date(client, approved_article):
    html = client.get(approved_article.get_absolute_url()).content.decode()
    assert "Medically reviewed by" in html
    assert "Jane Smith, MD, board-certified psychiatrist" in html
    assert '<time datetime="2026-03-10">March 10, 2026</time>' in html
    assert "review pending" not in html.lower()
    data = _json_ld(html)
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Jane Smith",
        "honorificSuffix": "MD, board-certified psychiatrist",
    }
    assert data["lastReviewed"] == "2026-03-10"


@pytest.mark.parametrize(
    "edit",
    [
        lambda article: setattr(article, "body", article.body + "\n\nA new claim.") or article.save(),
        lambda article: setattr(article, "title", "A new title") or article.save(),
        lambda article: _change_first_reference(article, url="https://doi.org/10.1/changed"),
        lambda article: ReferenceFactory(article=article),
        lambda article: article.references.all().delete(),
    ],
    ids=["text", "title", "reference-link", "reference-added", "reference-removed"],
)
def test_an_edit_after_approval_puts_the_page_back_to_review_pending(client, approved_article, edit):
    assert "Medically reviewed by" in client.get(approved_article.get_absolute_url()).content.decode()
    edit(approved_article)
    html = client.get(approved_article.get_absolute_url()).content.decode()
    assert "Clinical review pending." in html
    assert "Medically reviewed by" not in html and "Jane Smith" not in html
    assert "reviewedBy" not in _json_ld(html)


def test_a_review_older_than_the_review_period_shows_as_overdue(client, approved_article, time_machine, settings):
    time_machine.move_to("2027-03-10 09:00:00-05:00", tick=False)
    html = client.get(approved_article.get_absolute_url()).content.decode()
    assert "Clinical review overdue." in html and "a new clinical review is pending" in html
    assert "Medically reviewed by" not in html
    assert "reviewedBy" not in _json_ld(html)


def test_the_review_period_comes_from_the_setting(client, approved_article, settings, time_machine):
    time_machine.move_to("2026-04-15 09:00:00-05:00", tick=False)
    assert "Medically reviewed by" in client.get(approved_article.get_absolute_url()).content.decode()
    settings.EDUCATION_REVIEW_MONTHS = 1
    # The page is rebuilt once its cached copy expires; a new content version stands in for that here.
    caching.invalidate()
    html = client.get(approved_article.get_absolute_url()).content.decode()
    assert "Clinical review overdue." in html


def test_a_new_approval_of_the_edited_version_names_the_reviewer_again(client, approved_article, reviewer):
    approved_article.body += "\n\nA corrected sentence."
    approved_article.save()
    article_review_approve(article=approved_article, reviewer=reviewer)
    html = client.get(approved_article.get_absolute_url()).content.decode()
    assert "Medically reviewed by" in html and '<time datetime="2026-04-01">' in html


def test_a_reviewers_new_name_shows_on_the_pages_they_approved(client, approved_article, reviewer):
    client.get(approved_article.get_absolute_url())
    reviewer.name = "Jane Smith-Lee"
    reviewer.save()
    assert "Jane Smith-Lee, MD" in client.get(approved_article.get_absolute_url()).content.decode()


# --- Approving ----------------------------------------------------------------------------


def test_approving_records_who_when_and_which_version(approved_article, reviewer):
    approval = ArticleApproval.objects.get(article=approved_article)
    assert approval.reviewer == reviewer
    assert approval.reviewer_name == "Jane Smith"
    assert approval.approved_on == datetime.date(2026, 3, 10)
    assert approval.content_hash == approved_article.content_hash()
    assert approval.content["body"] == "TMS uses magnetic pulses."
    assert approval.content["references"] == [["Someone (2020). A study.", "https://doi.org/10.1/a"]]


@pytest.mark.django_db
def test_a_reviewer_without_the_permission_cannot_approve():
    article = ArticleFactory()
    reviewer = ReviewerFactory(can_approve=False)
    with pytest.raises(PermissionDenied):
        article_review_approve(article=article, reviewer=reviewer)
    reviewer.user.user_permissions.add(Permission.objects.get(codename="approve_article"))
    reviewer.user.is_active = False
    reviewer.user.save()
    with pytest.raises(PermissionDenied):
        article_review_approve(article=article, reviewer=reviewer)
    assert not ArticleApproval.objects.exists()


@pytest.mark.django_db
def test_the_admin_action_approves_for_a_reviewer_only(client):
    article = ArticleFactory()
    changelist = reverse("admin:education_article_changelist")
    data = {"action": "approve_this_version", "_selected_action": [article.pk]}

    editor = UserFactory(username="editor")
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(editor)
    assert "Approve this version" not in client.get(changelist).content.decode()
    client.post(changelist, data)
    assert not ArticleApproval.objects.exists()

    reviewer = ReviewerFactory(user=editor)
    client.force_login(reviewer.user)
    assert "Approve this version" in client.get(changelist).content.decode()
    response = client.post(changelist, data, follow=True)
    assert "Approved as reviewed by Ada Reviewer" in response.content.decode()
    assert ArticleApproval.objects.get().reviewer == reviewer
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Medically reviewed by" in html and "Ada Reviewer, MD, psychiatrist" in html


# --- The admin's view of what is due -------------------------------------------------------


def test_the_admin_list_shows_review_dates_and_filters_pending_or_overdue(admin_client, approved_article):
    pending = ArticleFactory(title="Never reviewed article")
    changelist = reverse("admin:education_article_changelist")
    html = admin_client.get(changelist).content.decode()
    assert "March 10, 2026" in html and "March 10, 2027" in html
    assert "Review pending (never reviewed)" in html

    html = admin_client.get(changelist, {"review": "needs_review"}).content.decode()
    assert pending.title in html and approved_article.title not in html
    html = admin_client.get(changelist, {"review": "current"}).content.decode()
    assert approved_article.title in html and pending.title not in html

    change = admin_client.get(reverse("admin:education_article_change", args=[approved_article.pk])).content.decode()
    assert "Review history" in change and "Jane Smith" in change and "shown now" in change


def test_the_dashboard_lists_pending_overdue_and_due_soon(approved_article, time_machine):
    ArticleFactory(title="Never reviewed article")
    dashboard = review_dashboard()
    assert [row["title"] for row in dashboard["pending"]] == ["Never reviewed article"]
    assert dashboard["overdue"] == [] and dashboard["current_count"] == 1 and dashboard["due_soon"] == []

    assert [row["title"] for row in review_dashboard(today=datetime.date(2027, 2, 20))["due_soon"]] == ["What TMS is"]
    overdue = review_dashboard(today=datetime.date(2027, 3, 11))
    assert [row["title"] for row in overdue["overdue"]] == ["What TMS is"]
    assert overdue["changelist_url"].endswith("?review=needs_review")


def test_the_dashboard_partial_renders_links_to_each_article(approved_article):
    from django.template.loader import render_to_string

    ArticleFactory(title="Never reviewed article")
    html = render_to_string("education/admin/_review_dashboard.html", {"dashboard": review_dashboard()})
    assert "Never reviewed article" in html and "/admin/education/article/" in html


def test_the_approve_button_approves_the_version_the_reviewer_is_reading(client, reviewer):
    article = ArticleFactory()
    change_url = reverse("admin:education_article_change", args=[article.pk])
    reviewer.user.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(reviewer.user)
    html = client.get(change_url).content.decode()
    assert "Approve this version" in html
    version = re.search(r'name="version" value="([0-9a-f]{64})"', html).group(1)

    # Someone edits the article after the reviewer opened it: that edit was not read, so it is refused.
    article.body += "\n\nAn unread change."
    article.save()
    response = client.post(reverse("admin:education_article_approve", args=[article.pk]), {"version": version})
    assert response.status_code == 302
    assert not ArticleApproval.objects.exists()
    assert "changed after you opened it" in client.get(change_url).content.decode()

    version = re.search(r'name="version" value="([0-9a-f]{64})"', client.get(change_url).content.decode()).group(1)
    client.post(reverse("admin:education_article_approve", args=[article.pk]), {"version": version})
    assert ArticleApproval.objects.get().content_hash == version
    assert "Medically reviewed by" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_approve_button_is_not_there_for_staff_who_are_not_reviewers(admin_client):
    article = ArticleFactory()
    html = admin_client.get(reverse("admin:education_article_change", args=[article.pk])).content.decode()
    assert reverse("admin:education_article_approve", args=[article.pk]) not in html
    assert 'name="version"' not in html
    response = admin_client.post(reverse("admin:education_article_approve", args=[article.pk]), {"version": "x"})
    assert response.status_code == 403
    assert not ArticleApproval.objects.exists()
