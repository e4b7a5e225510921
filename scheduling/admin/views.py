"""The agenda and the form to move an appointment: the admin's own pages for appointments."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from scheduling import services
from scheduling.models import Appointment, Location

# Far beyond any appointment, and far enough inside Python's calendar for a week either side.
AGENDA_FIRST_DAY, AGENDA_LAST_DAY = date(1900, 1, 8), date(9999, 12, 20)


class RescheduleForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time (at the location)", widget=forms.TimeInput(attrs={"type": "time"}))
    staff = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_staff=True, is_active=True))

    def __init__(self, *args, tz: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not AGENDA_FIRST_DAY <= day <= AGENDA_LAST_DAY:
            raise forms.ValidationError("That date is out of range. Please choose a date in the coming months.")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time"):
            local = datetime.combine(cleaned["day"], cleaned["time"], tzinfo=self.tz)
            start = local.astimezone(ZoneInfo("UTC"))
            # A wall-clock time skipped by a daylight-saving change does not survive the round trip.
            if start.astimezone(self.tz).replace(tzinfo=None) != local.replace(tzinfo=None):
                raise forms.ValidationError("That time does not exist on that day (the clocks change).")
            cleaned["start"] = start
        return cleaned


def reschedule_view(request, pk, *, model_admin):
    appointment = get_object_or_404(Appointment.objects.select_related("location", "request"), pk=pk)
    if not model_admin.has_change_permission(request, appointment):
        return redirect("admin:index")
    tz = appointment.location.tz
    initial = {
        "day": appointment.local_start.date(),
        "time": appointment.local_start.time(),
        "staff": appointment.staff,
    }
    form = RescheduleForm(request.POST or None, initial=initial, tz=tz)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_reschedule(
                appointment=appointment,
                start=form.cleaned_data["start"],
                by=request.user,
                staff_id=form.cleaned_data["staff"].pk,
            )
        except services.SlotUnavailable:
            form.add_error(None, "That person already has a booking overlapping that time (buffers included).")
        except services.ChangeWindowPassed:
            form.add_error(None, "This appointment is no longer booked.")
        else:
            model_admin.message_user(request, "Appointment moved; the patient is emailed an updated invite.")
            return redirect("admin:scheduling_appointment_change", appointment.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Move appointment {appointment}",
        "appointment": appointment,
        "form": form,
        "opts": Appointment._meta,
        "time_zone": tz.key,
    }
    return render(request, "scheduling/admin/reschedule.html", context)


def agenda_view(request, *, model_admin):
    """Booked consultations for a day or a week, per location, in the location's time."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    if not AGENDA_FIRST_DAY <= day <= AGENDA_LAST_DAY:
        # The week's bounds and the previous/next links would run off the calendar.
        messages.warning(request, "That date is out of range; here is today instead.")
        day = timezone.localdate()
    span = "week" if request.GET.get("span") == "week" else "day"
    first = day - timedelta(days=day.weekday()) if span == "week" else day
    last = first + timedelta(days=6 if span == "week" else 0)
    # Loose UTC bounds (a day either side covers every zone); exact local days are grouped below.
    appointments = (
        Appointment.objects.filter(
            status__in=[Appointment.Status.BOOKED, Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW],
            start__gte=datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("UTC")),
            start__lt=datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=ZoneInfo("UTC")),
        )
        .select_related("request", "consultation_type", "staff", "location")
        .order_by("start")
    )
    location_id = request.GET.get("location")
    if location_id and location_id.isdigit():
        appointments = appointments.filter(location_id=int(location_id))
    days = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    for appointment in appointments:
        local_day = appointment.local_start.date()
        if local_day in days:
            days[local_day].append(appointment)
    step = timedelta(days=7 if span == "week" else 1)
    # The agenda names patients and their appointments: each look at it is recorded.
    audit_record(request=request, action=AuditEvent.Action.VIEW, summary=f"Viewed the agenda: {span} of {first}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Agenda: {'week of ' if span == 'week' else ''}{first:%A %B %-d, %Y}",
        "opts": Appointment._meta,
        "days": sorted(days.items()),
        "span": span,
        "date": day,
        "previous": day - step,
        "next": day + step,
        "locations": Location.objects.all(),
        "location_id": int(location_id) if location_id and location_id.isdigit() else None,
    }
    return render(request, "scheduling/admin/agenda.html", context)
