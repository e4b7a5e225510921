"""The treatment-history intake, one step at a time, each saved when the patient moves on.

The patient arrives through their private link (booking.views.intake_start), which
puts the link's id in the session; every view here checks that link again, so an
expired or revoked link stops working at once. The steps themselves are data
(booking/intake_steps.py).
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from booking import crisis, services, sessions
from booking.intake_forms import AsqForm
from booking.intake_steps import LAST_STEP, STEPS, Saved, review_sections, step_for, trial_formset
from booking.services.intake import medication_choices


def intake_required(view):
    """For pages of the intake this browser holds: the link-unusable page otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        link = sessions.session_intake_link(request)
        if link is not None and not sessions.intake_session_touch(request):
            return render(request, "booking/intake/signed_out.html", {"idle": True}, status=403)
        if link is None:
            return render(request, "booking/intake/link_unusable.html", {"link": True}, status=403)
        return view(request, services.intake_get_or_start(request=link.request), *args, **kwargs)

    return wrapper


@never_cache
@intake_required
def intake(request, current):
    """Resume where the patient left off."""
    if current.submitted_at:
        return redirect("booking:intake_done")
    return redirect("booking:intake_step", step=min(current.furthest_step, LAST_STEP))


@never_cache
@intake_required
def intake_step(request, current, step):
    if current.submitted_at:
        return redirect("booking:intake_done")
    if not 1 <= step <= LAST_STEP or step > current.furthest_step:
        return redirect("booking:intake_step", step=min(current.furthest_step, LAST_STEP))
    this = step_for(step)

    if request.method != "POST":
        return _render_step(request, current, this, this.form(current))

    action = request.POST.get("action", "next")
    if this.is_review and action != "next":
        # Only "Send" sends; Back from the review page must never submit the history.
        return redirect("booking:intake_step", step=step - 1)
    form = this.form(current, request.POST)
    if not form.is_valid():
        # Whatever button was pressed: an answer that needs help now is acted on before the page's errors.
        saved = this.save_invalid(current, form, step) if this.save_invalid else Saved()
        if saved.needs_support:
            return redirect("booking:intake_support")
        if action == "back":
            # Going back never loses the way: nothing invalid is saved, nothing else is lost.
            return redirect("booking:intake_step", step=max(step - 1, 1))
        return _render_step(request, current, this, form)

    saved = this.save(current, form, step)
    if this.is_review:
        return redirect("booking:intake_done")
    if saved.needs_support:
        return redirect("booking:intake_support")
    if this.repeating and action == "add":
        # The rows saved, the blank rows the patient had open, and one more.
        blank = sum(1 for f in form.forms if not f.has_changed() and not f.cleaned_data.get("DELETE"))
        return _render_step(request, current, this, trial_formset(current, extra=blank + 1))
    if action == "later":
        return render(request, "booking/intake/saved.html", {"intake_link_days": settings.INTAKE_LINK_DAYS})
    if action == "back":
        return redirect("booking:intake_step", step=max(step - 1, 1))
    return redirect("booking:intake_step", step=step + 1)


def _render_step(request, current, step, form):
    context = {"intake": current, "step": step, "steps": STEPS, "form": form, "last_step": LAST_STEP}
    if step.repeating:
        context["medication_names"] = medication_choices()
    if step.is_review:
        context["review"] = review_sections(current)
    return render(request, "booking/intake/step.html", context)


@never_cache
@intake_required
def intake_support(request, current):
    """Shown straight after a PHQ-9 item 9 answer above 0: help now, before anything else; then the
    ASQ follow-up, in two parts as the tool asks it. The patient sees resources, never a result."""
    asq = list(current.asq or [])
    outcome = current.asq_outcome
    # Question 5 follows a positive screen (questions 1-4) that has no answer to it yet.
    asking_acuity = outcome == crisis.AsqOutcome.INCOMPLETE and len(asq) >= crisis.ASQ_SCREEN_COUNT
    numbers = AsqForm.ACUITY if asking_acuity else AsqForm.SCREEN
    form = None
    if not outcome or asking_acuity:
        form = AsqForm(request.POST if request.method == "POST" else None, numbers=numbers)
        if request.method == "POST" and form.is_valid():
            given = form.answers()
            numbered = range(1, len(crisis.ASQ_QUESTIONS) + 1)
            answers = [given.get(n, asq[n - 1] if len(asq) >= n else None) for n in numbered]
            services.intake_save_asq(intake=current, answers=answers)
            return redirect("booking:intake_support")
    context = {
        "intake": current,
        "form": form,
        "asking_acuity": asking_acuity,
        "act_now": outcome == crisis.AsqOutcome.ACUTE_POSITIVE,
        "asq_done": outcome in (crisis.AsqOutcome.NEGATIVE, crisis.AsqOutcome.NON_ACUTE_POSITIVE),
        "alert_queued": services.consultation_request_alert_queued(request=current.request),
        "clinic_open": services.clinic_open_now(),
    }
    return render(request, "booking/intake/support.html", context)


@require_POST
def intake_sign_out(request):
    """End this browser's session (the "Finish for now and sign out of this device" button), so that
    nothing of the patient's stays on a shared device."""
    sessions.session_end(request)
    return render(request, "booking/intake/signed_out.html", {"idle": False})


@never_cache
@intake_required
def intake_done(request, current):
    if not current.submitted_at:
        return redirect("booking:intake")
    return render(request, "booking/intake/done.html", {"intake": current})
