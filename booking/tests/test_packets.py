"""The prior-authorization packet, as staff open it from a request page."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from pypdf import PdfReader

from booking import packets
from booking.models import Intake, Medication, MedicationTrial, RequestEvent
from booking.services import intake_screen
from booking.tests.factories import ConsultationRequestFactory
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

SAFE = dict.fromkeys(
    ["metal_in_head", "implanted_device", "seizure_history", "serious_head_injury", "psychotic_symptoms"], False
)


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.ADMIN_REQUIRE_2FA = False
    call_command("load_medications", verbosity=0)
    call_command("sync_roles", verbosity=0)


@pytest.fixture
def coordinator_client(client):
    user = User.objects.create_user("casey", password="a-long-test-password", is_staff=True, first_name="Casey")
    user.groups.add(Group.objects.get(name="Intake coordinators"))
    client.force_login(user)
    client.user = user
    return client


def make_intake(*, sertraline_weeks=8, metal=False):
    request = ConsultationRequestFactory(
        first_name="Inés", last_name="Muñoz", date_of_birth=date(1980, 5, 17), insurance_carrier="Aetna"
    )
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
        phq9=[2, 2, 2, 2, 2, 2, 2, 2, 0],
        safety={**SAFE, "metal_in_head": metal},
    )
    for position, (generic, dose, weeks) in enumerate([("sertraline", 150, sertraline_weeks), ("bupropion", 300, 10)]):
        MedicationTrial.objects.create(
            intake=intake,
            position=position,
            medication=Medication.objects.get(generic=generic),
            name_given=generic.capitalize(),
            max_daily_dose=dose,
            current_episode="yes",
            weeks_at_dose=weeks,
            response="none",
            stop_reason="no_help",
        )
    intake_screen(intake=intake)
    return request


def packet_url(request, treatment="tms", pdf=False, policy="clinic_default_tms"):
    return f"/admin/booking/consultationrequest/{request.pk}/packet/{treatment}/{'pdf/' if pdf else ''}?policy={policy}"


@pytest.mark.parametrize("weeks, metal", [(8, False), (3, False), (8, True)])
def test_the_checklist_matches_the_screening_outcome(weeks, metal):
    request = make_intake(sertraline_weeks=weeks, metal=metal)
    packet = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    stored = Intake.objects.get(request=request).screening["tms"]
    assert stored["policy"]["id"] == "clinic_default_tms"
    assert packet.result.outcome == stored["outcome"]


def test_a_contraindication_never_reads_as_met_in_the_packet():
    request = make_intake(metal=True)
    packet = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    assert packet.result.outcome == "contraindication"
    assert not packet.result.likely_met


def test_a_staff_correction_is_shown_as_staff_entered_and_changes_the_checklist(coordinator_client):
    request = make_intake(sertraline_weeks=3)
    before = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    assert before.trials[0].counts is False

    trial = MedicationTrial.objects.get(intake__request=request, medication__generic="sertraline")
    response = coordinator_client.post(
        packet_url(request),
        {"do": f"trial-{trial.pk}", f"trial-{trial.pk}-weeks_at_dose": "12", f"trial-{trial.pk}-source": "pharmacy"},
    )
    assert response.status_code == 302

    after = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    assert after.trials[0].counts is True
    assert after.trials[0].staff_entered == ("weeks",)
    assert after.result.counted_trials == before.result.counted_trials + 1
    trial.refresh_from_db()
    assert trial.weeks_at_dose == 3  # what the patient wrote is kept
    assert RequestEvent.objects.filter(request=request, kind="packet", text__contains="pharmacy").exists()
    page = coordinator_client.get(packet_url(request)).content.decode()
    assert "staff-entered: weeks (from pharmacy)" in page


def test_a_correction_needs_its_source(coordinator_client):
    request = make_intake()
    trial = request.intake.trials.first()
    response = coordinator_client.post(
        packet_url(request), {"do": f"trial-{trial.pk}", f"trial-{trial.pk}-weeks_at_dose": "12"}, follow=True
    )
    assert "Say where the correction was confirmed" in response.content.decode()
    assert not hasattr(MedicationTrial.objects.get(pk=trial.pk), "correction")


def test_the_pdf_holds_the_trial_table_and_the_checklist_and_is_named_by_reference(coordinator_client):
    request = make_intake()
    response = coordinator_client.get(packet_url(request, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="prior-authorization-{request.reference}-tms.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Medication trials" in text and "Sertraline" in text and "Bupropion" in text
    assert "Criteria checklist" in text and "Met: " in text
    assert "Muñoz" in text
    assert "Clinician attestation" in text


def test_viewing_and_downloading_a_packet_are_audited(coordinator_client):
    request = make_intake()
    coordinator_client.get(packet_url(request))
    coordinator_client.get(packet_url(request, pdf=True))
    events = AuditEvent.objects.filter(object_id=str(request.pk), summary__startswith="Prior-authorization packet")
    assert sorted(events.values_list("action", flat=True)) == ["export", "view"]
    assert all(e.username == "casey" for e in events)


def test_staff_without_the_permission_cannot_open_a_packet(client):
    request = make_intake()
    user = User.objects.create_user("pat", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_consultationrequest"))
    client.force_login(user)
    assert client.get(f"/admin/booking/consultationrequest/{request.pk}/change/").status_code == 200
    assert client.get(packet_url(request)).status_code == 403
    assert client.get(packet_url(request, pdf=True)).status_code == 403
    assert not AuditEvent.objects.filter(summary__startswith="Prior-authorization packet").exists()


def test_the_letter_draft_carries_the_facts_and_the_clinic_can_edit_its_template(coordinator_client):
    from booking.models import LetterTemplate

    request = make_intake()
    packet = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    assert "Inés Muñoz" in packet.letter and "Sertraline" in packet.letter and "PHQ-9 total 16" in packet.letter
    LetterTemplate.objects.create(treatment="tms", body="Dear reviewer, $patient_name needs $treatment. $unknown")
    packet = packets.packet_build(request=request, treatment="tms", policy_id="clinic_default_tms")
    assert packet.letter == "Dear reviewer, Inés Muñoz needs TMS (transcranial magnetic stimulation). $unknown"


def test_a_policy_for_the_other_treatment_is_refused(coordinator_client):
    request = make_intake()
    assert coordinator_client.get(packet_url(request, policy="spravato_label_2025")).status_code == 404
