"""Every write in booking, one module per concept; views, forms, admin actions and tasks call these.

Each function is keyword-only, runs in a transaction, records its own timeline event (and audit
entry when a person acted), and enqueues Celery work only after commit.
"""

from booking.services.catalog import (
    carrier_policies_delete,
    carrier_policy_save,
    medication_save,
    medications_delete,
    payer_policies_load,
    payer_policy_save,
)
from booking.services.emails import (
    EmailKind,
    email_enqueue,
    email_kind_register,
    email_queue,
    email_resend,
    email_send,
    emails_enqueue_due,
    emails_supersede,
)
from booking.services.intake import (
    intake_get_or_start,
    intake_save,
    intake_save_asq,
    intake_save_phq9,
    intake_save_trials,
    intake_submit,
)
from booking.services.links import (
    intake_link_confirm_identity,
    intake_link_find,
    intake_link_for_this_browser,
    intake_link_issue,
)
from booking.services.packets import packet_details_save, packet_produced, trial_correction_save
from booking.services.pipeline import (
    consultation_request_assign,
    consultation_request_set_status,
    intake_link_reissue,
    intake_links_revoke,
    request_note_add,
)
from booking.services.requests import consultation_request_create
from booking.services.screening import (
    contraindication_clear,
    intake_screen,
    screenings_recompute,
    screenings_recompute_later,
)
from booking.services.urgent import (
    clinic_open_now,
    consultation_request_acknowledge_urgent,
    consultation_request_alert_queued,
    consultation_request_flag_free_text,
    consultation_request_mark_urgent,
    urgent_alerts_escalate,
)

__all__ = [
    "EmailKind",
    "carrier_policies_delete",
    "carrier_policy_save",
    "consultation_request_assign",
    "consultation_request_create",
    "consultation_request_mark_urgent",
    "clinic_open_now",
    "consultation_request_acknowledge_urgent",
    "consultation_request_alert_queued",
    "consultation_request_flag_free_text",
    "urgent_alerts_escalate",
    "intake_save_asq",
    "consultation_request_set_status",
    "contraindication_clear",
    "email_enqueue",
    "email_kind_register",
    "email_queue",
    "email_resend",
    "email_send",
    "emails_enqueue_due",
    "emails_supersede",
    "intake_get_or_start",
    "intake_link_find",
    "intake_link_for_this_browser",
    "intake_link_issue",
    "intake_link_confirm_identity",
    "intake_link_reissue",
    "intake_links_revoke",
    "intake_save",
    "intake_save_phq9",
    "intake_save_trials",
    "intake_screen",
    "intake_submit",
    "packet_details_save",
    "packet_produced",
    "request_note_add",
    "screenings_recompute",
    "trial_correction_save",
    "medication_save",
    "medications_delete",
    "payer_policies_load",
    "payer_policy_save",
    "request_note_add",
    "screenings_recompute",
    "screenings_recompute_later",
]
