"""The request list at scale: staff find a request by its code, email, phone or name with one
indexed lookup, the list stays in pipeline order, and its query count does not grow with rows."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.admin.requests import search_requests
from booking.models import ConsultationRequest, Intake
from booking.tests.factories import ConsultationRequestFactory
from core.admin import LargeTablePaginator
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/admin/booking/consultationrequest/"


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture
def coordinator():
    user = User.objects.create_user("casey", password="a-long-staff-password-42", is_staff=True)
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    return user


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    client.get(LIST)  # the first page of a session also records when staff were last seen
    return client


def shown(client, query=None):
    response = client.get(LIST, query or {})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def patients():
    return {
        "dana": ConsultationRequestFactory(
            first_name="Dana", last_name="Whitfield", email="Dana.Whitfield@Example.com", phone="+16175550143"
        ),
        "ana": ConsultationRequestFactory(
            first_name="Ana", last_name="Sandberg", email="ana@example.com", phone="+16175550144"
        ),
        "danny": ConsultationRequestFactory(
            first_name="Danny", last_name="Okafor", email="danny.okafor@example.com", phone="+12025550143"
        ),
    }


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{lower_no_dash}", " {code} "])
def test_a_reference_code_finds_that_request_and_only_it(staff, patients, typed):
    code = patients["ana"].reference
    text = typed.format(code=code, lower=code.lower(), lower_no_dash=code.replace("-", "").lower())
    assert shown(staff, {"q": text}) == [patients["ana"]]


@pytest.mark.parametrize(
    "typed", ["Dana.Whitfield@Example.com", "dana.whitfield@example.com", "DANA.WHITFIELD@EXAMPLE.COM"]
)
def test_a_full_email_finds_that_request_in_any_case(staff, patients, typed):
    assert shown(staff, {"q": typed}) == [patients["dana"]]


def test_an_email_is_matched_whole_not_as_part_of_another(staff, patients):
    # "ana@example.com" is inside no other address, and "a@example.com" is nobody's.
    assert shown(staff, {"q": "ANA@example.com"}) == [patients["ana"]]
    assert shown(staff, {"q": "a@example.com"}) == []


@pytest.mark.parametrize("typed", ["(617) 555-0143", "617-555-0143", "+1 617 555 0143", "6175550143"])
def test_a_phone_number_as_typed_finds_that_request(staff, patients, typed):
    assert shown(staff, {"q": typed}) == [patients["dana"]]


def test_part_of_a_name_finds_every_request_with_it_and_no_other(staff, patients):
    assert set(shown(staff, {"q": "dan"})) == {patients["dana"], patients["danny"]}
    assert shown(staff, {"q": "whitf"}) == [patients["dana"]]
    # Every word must be in the first or the last name.
    assert shown(staff, {"q": "dan okaf"}) == [patients["danny"]]
    assert shown(staff, {"q": "zzyzx"}) == []


def test_one_or_two_letters_find_names_that_start_with_them(staff, patients):
    # "an" is inside Dana and Danny, but only Ana's name starts with it.
    assert shown(staff, {"q": "an"}) == [patients["ana"]]
    assert set(shown(staff, {"q": "D"})) == {patients["dana"], patients["danny"]}


def test_a_name_of_eight_letters_that_looks_like_a_code_is_still_found(staff, patients):
    # S, A, N, D, B, E, R, G are all letters of reference codes.
    assert shown(staff, {"q": "Sandberg"}) == [patients["ana"]]


def test_a_search_keeps_the_list_in_pipeline_order_and_is_audited(staff, coordinator):
    now = timezone.now()
    old = ConsultationRequestFactory(last_name="Nguyen", created_at=now - timedelta(days=3))
    closed = ConsultationRequestFactory(last_name="Nguyen", created_at=now - timedelta(days=9), status="closed")
    urgent = ConsultationRequestFactory(last_name="Nguyen", created_at=now, urgent=True)
    ConsultationRequestFactory(last_name="Garcia", urgent=True)
    assert shown(staff, {"q": "nguyen"}) == [urgent, old, closed]
    event = AuditEvent.objects.filter(action="view", actor=coordinator).latest("pk")
    assert "q=nguyen" in event.details["query"]
    assert event.details["ids"] == [urgent.pk, old.pk, closed.pk]


def test_a_filtered_list_stays_urgent_first(staff):
    now = timezone.now()
    waiting = ConsultationRequestFactory(created_at=now - timedelta(days=2))
    urgent = ConsultationRequestFactory(created_at=now, urgent=True)
    ConsultationRequestFactory(status="closed", urgent=True)
    assert shown(staff, {"status__exact": "new"}) == [urgent, waiting]


# The list page's queries, whatever the number of requests: the session, the user, the
# user's permissions, the count (bounded), the page of requests with their intakes and
# assignees, the session's update and the audit entry. Beyond exact_up_to rows, one more: the
# planner's estimate of how many there are.
LIST_QUERIES = 7


def add_requests(count):
    for _ in range(count):
        obj = ConsultationRequestFactory(first_name="Whitfield", email="ana@example.com")
        Intake.objects.create(request=obj, tms_outcome="likely_met", phq9_total=12, phq9_band="Moderate")


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status__exact": "new"},
        {"tms": "likely_met"},
        {"q": "whitf"},
        {"q": "ana@example.com"},
        # Asking for facet counts (a count per filter choice) changes nothing: they are off.
        {"_facets": "True"},
    ],
)
def test_the_list_query_count_is_fixed_whatever_the_number_of_requests(
    staff, django_assert_num_queries, query, monkeypatch
):
    # Counted exactly up to 60 rows here, estimated beyond, so that both ways are measured.
    monkeypatch.setattr(LargeTablePaginator, "exact_up_to", 60)
    add_requests(5)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(shown(staff, query)) == 5
    add_requests(75)
    with django_assert_num_queries(LIST_QUERIES + 1):
        assert len(shown(staff, query)) == 50
    add_requests(120)
    with django_assert_num_queries(LIST_QUERIES + 1):
        assert len(shown(staff, query)) == 50


def test_a_big_filtered_list_is_never_counted_row_by_row(staff, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "exact_up_to", 5)
    ConsultationRequestFactory.create_batch(12)
    with CaptureQueriesContext(connection) as captured:
        response = staff.get(LIST, {"status__exact": "new"})
    counts = [q["sql"] for q in captured.captured_queries if re.search(r"COUNT\(\*\)", q["sql"], re.IGNORECASE)]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    # The page still lists the requests and offers more than one page only if there are.
    assert len(response.context["cl"].result_list) == 12
    assert response.context["cl"].result_count >= 6


def test_a_small_filtered_list_shows_its_exact_count(staff):
    ConsultationRequestFactory.create_batch(3)
    ConsultationRequestFactory(status="closed")
    response = staff.get(LIST, {"status__exact": "new"})
    assert response.context["cl"].result_count == 3


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A handful of rows would be read whole anyway; this asks whether an index can serve it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("Dana.Whitfield@EXAMPLE.com", "request_email_lower"),
        ("(617) 555-0143", "request_phone"),
        ("abcd-efgh", "booking_consultationrequest_reference"),
        ("whitf", "request_last_name_trgm"),
        ("wh", "request_last_name_trgm"),
    ],
)
def test_each_search_is_served_by_an_index(postgres, patients, text, index):
    queryset = search_requests(ConsultationRequest.objects.order_by(), text)
    assert index in plan(queryset)
