"""The treatment-history intake: six steps, each saved when the patient moves on.

The patient arrives through their private link (booking.views.intake_start), which
puts the link's id in the session; every view here checks that link again, so an
expired or revoked link stops working at once.
"""

from django.conf import settings
from django.forms import formset_factory
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from booking import intake as services
from booking.intake_forms import (
    BaseTrialFormSet,
    DepressionNowForm,
    OtherTreatmentsForm,
    Phq9Form,
    ReviewForm,
    SafetyForm,
    TrialForm,
)
from booking.intake_review import STEPS, review_sections
from booking.models import Intake, IntakeLink

INTAKE_SESSION_KEY = "intake_link_id"


LAST_STEP = len(STEPS)
PHQ9_STEP = 4


def _session_intake(request) -> Intake | None:
    link_id = request.session.get(INTAKE_SESSION_KEY)
    link = IntakeLink.objects.select_related("request").filter(pk=link_id).first() if link_id else None
    if link is None or not link.is_usable:
        return None
    return services.intake_get_or_start(request=link.request)


def _link_unusable(request):
    return render(request, "booking/intake/link_unusable.html", {"link": True}, status=403)


def _trial_formset(intake, data=None, extra=0):
    initial = list(intake.trials.values(*TrialForm._meta.fields))
    for row in initial:
        # Show a dose as the patient typed it: 150, not 150.000.
        if row["max_daily_dose_mg"] is not None:
            row["max_daily_dose_mg"] = format(row["max_daily_dose_mg"].normalize(), "f")
    if data is None and not initial:
        extra = max(extra, 1)  # an empty first row to fill in
    formset_class = formset_factory(
        TrialForm, formset=BaseTrialFormSet, extra=extra, can_delete=True, max_num=30, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="trials")


def _form_for(step, intake, data=None):
    if step == 1:
        return DepressionNowForm(data, instance=intake)
    if step == 2:
        return _trial_formset(intake, data)
    if step == 3:
        return OtherTreatmentsForm(data, instance=intake)
    if step == PHQ9_STEP:
        return Phq9Form(data, answers=intake.phq9)
    if step == 5:
        return SafetyForm(data, answers=intake.safety)
    return ReviewForm(data)


def _save(step, intake, form):
    if step in (1, 3):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.intake_save(intake=intake, step=step, fields=fields)
    elif step == 2:
        services.intake_save_trials(intake=intake, step=step, rows=form.rows())
    elif step == PHQ9_STEP:
        services.intake_save_phq9(intake=intake, step=step, answers=form.answers())
    elif step == 5:
        services.intake_save(intake=intake, step=step, fields={"safety": form.answers()})
    else:
        services.intake_submit(intake=intake)


@never_cache
def intake(request):
    """Resume where the patient left off."""
    current = _session_intake(request)
    if current is None:
        return _link_unusable(request)
    if current.submitted_at:
        return redirect("booking:intake_done")
    return redirect("booking:intake_step", step=min(current.furthest_step, LAST_STEP))


@never_cache
def intake_step(request, step):
    current = _session_intake(request)
    if current is None:
        return _link_unusable(request)
    if current.submitted_at:
        return redirect("booking:intake_done")
    if not 1 <= step <= LAST_STEP or step > current.furthest_step:
        return redirect("booking:intake_step", step=min(current.furthest_step, LAST_STEP))

    if request.method != "POST":
        return _render_step(request, current, step, _form_for(step, current))

    action = request.POST.get("action", "next")
    if step == LAST_STEP and action != "next":
        # Only "Send" sends; Back from the review page must never submit the history.
        return redirect("booking:intake_step", step=step - 1)
    form = _form_for(step, current, request.POST)
    if not form.is_valid():
        if action == "back":
            # Going back never loses the way: nothing invalid is saved, nothing else is lost.
            return redirect("booking:intake_step", step=max(step - 1, 1))
        return _render_step(request, current, step, form)

    _save(step, current, form)
    if step == LAST_STEP:
        return redirect("booking:intake_done")
    if step == PHQ9_STEP and form.answers()[-1]:
        # Thoughts of self-harm: help comes first, whichever button was pressed.
        return redirect("booking:intake_support")
    if action == "add":
        # The rows saved, the blank rows the patient had open, and one more.
        blank = sum(1 for f in form.forms if not f.has_changed() and not f.cleaned_data.get("DELETE"))
        return _render_step(request, current, step, _trial_formset(current, extra=blank + 1))
    if action == "later":
        return render(request, "booking/intake/saved.html", {"intake_link_days": settings.INTAKE_LINK_DAYS})
    if action == "back":
        return redirect("booking:intake_step", step=max(step - 1, 1))
    return redirect("booking:intake_step", step=step + 1)


def _render_step(request, current, step, form):
    context = {
        "intake": current,
        "step": STEPS[step - 1],
        "steps": STEPS,
        "form": form,
        "last_step": LAST_STEP,
    }
    if step == 2:
        context["medication_names"] = services.medication_choices()
    if step == LAST_STEP:
        context["review"] = review_sections(current)
    return render(request, "booking/intake/step.html", context)


@never_cache
def intake_support(request):
    """Shown straight after a PHQ-9 item 9 answer above 0: help now, before anything else."""
    current = _session_intake(request)
    if current is None:
        return _link_unusable(request)
    return render(request, "booking/intake/support.html", {"intake": current})


@never_cache
def intake_done(request):
    current = _session_intake(request)
    if current is None:
        return _link_unusable(request)
    if not current.submitted_at:
        return redirect("booking:intake")
    return render(request, "booking/intake/done.html", {"intake": current})
