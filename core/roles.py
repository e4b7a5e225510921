"""Staff roles. The migrations create the coordinators' group; ``sync_roles`` (run by
``load_initial_content`` on every start) puts it back to exactly these permissions if it was
deleted or edited by hand."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

COORDINATORS = "Intake coordinators"

# Read and move requests through the pipeline, read intakes, emails, the catalog and the payer
# policies, see the agenda, move or cancel appointments and offer times to the waitlist. Deleting,
# and setting up hours, stay with administrators. Clearing a reported contraindication
# (booking.clear_contraindication) is a clinician's judgement: give it to each clinician's
# account, never to the group.
COORDINATOR_PERMISSIONS = {
    "booking": [
        "view_consultationrequest",
        "change_consultationrequest",
        "view_intake",
        "view_medicationtrial",
        "view_email",
        "view_smsconsent",
        "view_smsoptout",
        "view_requestevent",
        "view_medication",
        # Preparing prior-authorization packets is intake work; a clinic that gives it to other
        # staff removes it here.
        "generate_packet",
        "view_packetdetails",
        "change_packetdetails",
        "view_trialcorrection",
        "view_payerpolicy",
        "view_carrierpolicy",
        "view_contraindicationclearance",
    ],
    "scheduling": [
        "view_appointment",
        "change_appointment",
        "view_appointmentchange",
        "view_consultationtype",
        "view_location",
        "view_availability",
        "view_availabilityexception",
        "view_waitlistentry",
        "change_waitlistentry",
        "view_waitlistoffer",
    ],
}


@transaction.atomic
def coordinator_group_sync() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    wanted = Q()
    for app_label, codenames in COORDINATOR_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    return group
