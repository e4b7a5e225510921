"""What staff see of the screening outcomes: the list, its filters, the dashboard, the export,
the request page, clearing a contraindication, payer policies per carrier and policy edits."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.utils import timezone

from booking import services
from booking.models import CarrierPolicy, ContraindicationClearance, Intake, Medication, MedicationTrial, PayerPolicy
from booking.tests.factories import ConsultationRequestFactory
from booking.tests.test_intake import SAFETY_CLEAR, open_intake, step_url, trial_data

pytestmark = pytest.mark.django_db

LIST = "/admin/booking/consultationrequest/"
NO_TO_ALL = {key: value == "yes" for key, value in SAFETY_CLEAR.items()}


@pytest.fixture(autouse=True)
def _content(settings):
    settings.ADMIN_REQUIRE_2FA = False
    call_command("load_medications", verbosity=0)
    call_command("load_policies", verbosity=0)


@pytest.fixture
def coordinator():
    user = User.objects.create_user("casey", is_staff=True, first_name="Casey")
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    return user


@pytest.fixture
def clinician():
    user = User.objects.create_user("robin", is_staff=True, first_name="Robin", last_name="Ruiz")
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    user.user_permissions.add(Permission.objects.get(codename="clear_contraindication"))
    return user


def screened(*, carrier="", safety=None, last_name="Patient"):
    """A sent intake whose history meets the clinic's TMS criteria and the SPRAVATO label."""
    request = ConsultationRequestFactory(insurance_carrier=carrier, last_name=last_name)
    intake = Intake.objects.create(
        request=request,
        diagnosis="major_depression",
        episode_length="1to2y",
        psychotherapy_tried=True,
        psychotherapy_kind="CBT",
        psychotherapy_length="3to6m",
        prior_ect=False,
        prior_tms=False,
        prior_ketamine=False,
        phq9=[2] * 8 + [0],
        safety={**NO_TO_ALL, **(safety or {})},
        submitted_at=timezone.now(),
    )
    for position, (generic, dose, weeks, response) in enumerate(
        [("sertraline", 100, 8, "none"), ("bupropion", 300, 10, "little")]
    ):
        MedicationTrial.objects.create(
            intake=intake,
            position=position,
            medication=Medication.objects.get(generic=generic),
            name_given=generic,
            max_daily_dose=dose,
            weeks_at_dose=weeks,
            response=response,
            stop_reason="no_help",
            current_episode="yes",
        )
    services.intake_screen(intake=intake)
    intake.refresh_from_db()
    return intake


def list_row(html, reference):
    row = next(r for r in html.split("<tr") if reference in r)
    return unescape(re.sub(r"<[^>]+>", " ", row))


def test_a_reported_contraindication_never_reads_likely_met_in_the_list_filter_dashboard_or_export(client, coordinator):
    clear = screened(last_name="Clear")
    metal = screened(safety={"metal_in_head": True}, last_name="Metal")
    assert (clear.tms_outcome, metal.tms_outcome) == ("likely_met", "contraindication")
    assert metal.has_contraindication is True and metal.spravato_outcome == "likely_met"
    client.force_login(coordinator)

    html = client.get(LIST).content.decode()
    assert "Likely met" in list_row(html, clear.request.reference)
    row = list_row(html, metal.request.reference)
    tms_cell = row.split(metal.request.reference)[1]
    assert "Contraindication: clinician to clear" in tms_cell
    assert tms_cell.count("Likely met") == 1  # SPRAVATO's column only

    listed = client.get(f"{LIST}?tms=likely_met").context["cl"].result_list
    assert list(listed) == [clear.request]
    listed = client.get(f"{LIST}?tms=contraindication").context["cl"].result_list
    assert list(listed) == [metal.request]

    dashboard = client.get("/admin/").content.decode()
    tms = dashboard[dashboard.index("TMS screening of open requests") : dashboard.index("SPRAVATO screening")]
    assert "<strong>1</strong> criteria likely met" in tms
    assert "<strong>1</strong> contraindication reported" in tms

    response = client.post(LIST, {"action": "export_csv", "_selected_action": [clear.request.pk, metal.request.pk]})
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows[clear.request.reference]["tms_outcome"] == "Criteria likely met"
    assert rows[metal.request.reference]["tms_outcome"].startswith("Contraindication reported")
    assert rows[metal.request.reference]["tms_policy"].startswith("clinic_default_tms")


def test_a_clinician_with_the_permission_clears_it_and_the_summary_and_timeline_name_them(client, clinician):
    intake = screened(safety={"metal_in_head": True})
    client.force_login(clinician)
    page = client.get(f"{LIST}{intake.request.pk}/change/").content.decode()
    assert "Record cleared" in page

    client.post(f"{LIST}{intake.request.pk}/clear/", {"key": "metal_in_head", "note": "Dental fillings only, checked."})
    intake.refresh_from_db()
    assert intake.tms_outcome == "likely_met" and intake.has_contraindication is False
    page = unescape(client.get(f"{LIST}{intake.request.pk}/change/").content.decode())
    assert "Criteria likely met (contraindication cleared by Robin Ruiz)" in page
    assert "Dental fillings only, checked." in page
    event = intake.request.events.get(kind="clearance")
    assert event.actor == clinician and "cleared by Robin Ruiz" in event.text
    assert "Likely met (contraindication cleared)" in list_row(
        client.get(LIST).content.decode(), intake.request.reference
    )


def test_a_coordinator_without_the_permission_cannot_clear(client, coordinator):
    intake = screened(safety={"metal_in_head": True})
    client.force_login(coordinator)
    assert "Record cleared" not in client.get(f"{LIST}{intake.request.pk}/change/").content.decode()
    response = client.post(f"{LIST}{intake.request.pk}/clear/", {"key": "metal_in_head", "note": "Looks fine."})
    assert response.status_code == 403
    assert not ContraindicationClearance.objects.exists()
    intake.refresh_from_db()
    assert intake.tms_outcome == "contraindication"


def test_a_carrier_mapped_to_an_lcd_uses_it_and_the_summary_names_it(client, coordinator):
    CarrierPolicy.objects.create(carrier="Medicare", tms_policy=PayerPolicy.objects.get(key="cms_lcd_l34998"))
    intake = screened(carrier="  MEDICARE ")
    assert intake.tms_policy_key == "cms_lcd_l34998" and intake.tms_policy_revision == 1
    assert intake.spravato_policy_key == "spravato_label_2025"
    client.force_login(coordinator)
    page = unescape(client.get(f"{LIST}{intake.request.pk}/change/").content.decode())
    policy = intake.screening["tms"]["policy"]
    assert f"Read under: {policy['title']}" in page and policy["policy_id"] in page and policy["version"] in page


def test_editing_a_policy_recomputes_summaries_in_the_background(
    client, django_capture_on_commit_callbacks, tasks_run_eagerly
):
    intake = screened()
    assert intake.tms_outcome == "likely_met"
    row = PayerPolicy.objects.get(key="clinic_default_tms")
    data = row.data
    data["criteria"]["min_failed_trials"]["value"] = 3
    client.force_login(User.objects.create_superuser("root", "root@clinic.example", "pw-long-enough-42"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/admin/booking/payerpolicy/{row.pk}/change/", {"data": json.dumps(data)})
    intake.refresh_from_db()
    assert intake.tms_outcome == "likely_met"  # nothing recomputed inside the admin request
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (eagerly here)

    intake.refresh_from_db()
    assert intake.tms_outcome == "not_yet_met"
    assert intake.tms_policy_revision == 2 and intake.screening["tms"]["policy"]["revision"] == 2
    assert any("needs 3" in item for item in intake.screening["tms"]["unmet"])


def test_a_policy_edit_that_breaks_the_rules_is_refused(client):
    row = PayerPolicy.objects.get(key="aetna_cpb_0469")
    data = row.data
    del data["criteria"]["min_age"]["where"]
    client.force_login(User.objects.create_superuser("root", "root@clinic.example", "pw-long-enough-42"))
    page = client.post(f"/admin/booking/payerpolicy/{row.pk}/change/", {"data": json.dumps(data)})
    assert page.status_code == 200 and "needs a citation" in page.content.decode()
    row.refresh_from_db()
    assert row.revision == 1 and row.data["criteria"]["min_age"]["where"]


def test_not_sure_and_not_answered_are_told_apart_on_the_staff_page(client, coordinator):
    consultation = ConsultationRequestFactory()
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    client.post(step_url(2), trial_data([{"name_given": "Zoloft", "max_daily_dose": "100"}]))
    client.post(step_url(3), {"action": "next"})
    client.post(step_url(4), {**{f"item_{n}": "1" for n in range(1, 10)}, "item_9": "0", "action": "next"})
    safety_page = unescape(client.get(step_url(5)).content.decode())
    for question in [
        "Have you ever had an allergic reaction to esketamine (Spravato) or ketamine?",
        "Have you ever had psychosis",
        "Have you had heart problems or a stroke",
    ]:
        assert question in safety_page
    answers = {k: v for k, v in SAFETY_CLEAR.items() if k != "seizure_history"}
    client.post(step_url(5), {**answers, "implanted_device": "not_sure", "action": "next"})
    intake = Intake.objects.get()
    assert intake.safety["implanted_device"] == "not_sure" and intake.safety["seizure_history"] is None
    review = client.get(step_url(6)).content.decode()

    client.force_login(coordinator)
    staff = client.get(f"{LIST}{consultation.pk}/change/").content.decode()
    for html in (review, staff):
        assert re.search(r"implanted device\?[^<]*</dt>\s*<dd>Not sure</dd>", html)
        assert re.search(r"told you have epilepsy\?</dt>\s*<dd>Not answered</dd>", html)
        assert "Choose one" not in html  # a blank choice is never shown as an answer
    assert any("Implanted device" in item and "not sure" in item for item in intake.screening["tms"]["needs_review"])


def test_liothyronine_25_is_read_as_micrograms(client, coordinator):
    consultation = ConsultationRequestFactory()
    open_intake(client, consultation)
    client.post(step_url(1), {"action": "next"})
    rows = [
        {"name_given": "Cytomel", "max_daily_dose": "25", "weeks_at_dose": "6"},
        {"name_given": "Zoloft", "max_daily_dose": "150.0", "weeks_at_dose": "8"},
    ]
    client.post(step_url(2), trial_data(rows))
    liothyronine, sertraline = Intake.objects.get().trials.all()
    assert (liothyronine.medication.generic, liothyronine.dose_unit) == ("liothyronine", "mcg")
    assert liothyronine.medication.dose_unit == "mcg"
    client.force_login(coordinator)
    staff = client.get(f"{LIST}{consultation.pk}/change/").content.decode()
    assert "25 mcg a day" in staff and "25 mcg ·" in staff
    assert "150 mg a day" in staff and "150.000" not in staff and "25 mg" not in staff


def test_summaries_written_by_older_rules_are_recomputed_once_on_start():
    intake = screened()
    Intake.objects.filter(pk=intake.pk).update(screening_version=None, tms_outcome="")
    call_command("load_initial_content", verbosity=0)
    intake.refresh_from_db()
    assert intake.screening_version == 2 and intake.tms_outcome == "likely_met"


def test_the_medicines_step_asks_a_saved_liothyronine_dose_in_mcg(client):
    open_intake(client, ConsultationRequestFactory())
    client.post(step_url(1), {"action": "next"})
    client.post(step_url(2), trial_data([{"name_given": "Cytomel", "max_daily_dose": "25"}, {"name_given": "Zoloft"}]))
    page = client.get(step_url(2)).content.decode()
    assert "Highest dose per day, in mcg" in page and "Highest dose per day, in mg" in page
    # The picker tells the page which unit each medicine is dosed in, for a name typed afresh.
    assert re.search(
        r'<option value="liothyronine \(Cytomel\)" data-unit="mcg" data-names="liothyronine;cytomel">', page
    )
    assert "js/medicines" in page


def test_an_exclusion_of_the_carriers_policy_is_never_likely_met(client, coordinator):
    # Aetna maps to CPB 0469, which excludes recent substance use; the clinic's default does not.
    default = screened(safety={"substance_use": True}, last_name="Default")
    aetna = screened(carrier="aetna", safety={"substance_use": True}, last_name="Aetna")
    assert aetna.tms_policy_key == "aetna_cpb_0469" and default.tms_policy_key == "clinic_default_tms"
    assert aetna.tms_outcome == "contraindication" and aetna.has_contraindication is True
    assert [c["kind"] for c in aetna.screening["tms"]["contraindications"]] == ["exclusion"]
    assert default.tms_outcome != "contraindication"
    client.force_login(coordinator)
    listed = client.get(f"{LIST}?tms=likely_met").context["cl"].result_list
    assert aetna.request not in list(listed)


def test_the_antidepressant_part_of_a_combination_counts_as_its_own_trial(client):
    open_intake(client, ConsultationRequestFactory())
    client.post(step_url(1), {"action": "next"})
    symbyax = {"name_given": "Symbyax", "max_daily_dose": "6", "component_dose": "25", "weeks_at_dose": "8"}
    client.post(step_url(2), trial_data([symbyax, {**symbyax, "component_dose": ""}]))
    given, missing = Intake.objects.get().screening["trials"]
    assert [(e["agent"], e["adequate"]) for e in given["exposures"]] == [
        ("olanzapine-fluoxetine", True),
        ("fluoxetine", True),
    ]
    assert missing["exposures"][1]["adequate"] is None and "dose of fluoxetine not given" in missing["reason"]
