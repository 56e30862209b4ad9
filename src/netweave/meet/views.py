"""Meeting pages: events, RSVPs, guest registration, the door list, check-in, exports and
calendar feeds. Thin views: rights from :mod:`netweave.networks.permissions`, reads from
:mod:`.selectors`, writes through :mod:`.services`."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from netweave.networks.models import (
    Attendance,
    Event,
    Membership,
    Network,
    Registration,
    Visibility,
)
from netweave.networks.permissions import Capability, network_for
from netweave.networks.selectors import author_names, person_id_for_ref, person_of, person_refs
from netweave.trust.once import once_per_form

from . import exports, ical, selectors, services
from .forms import (
    CheckInWindowForm,
    CodeForm,
    EventForm,
    GuestForm,
    RsvpForm,
    SelfCheckInForm,
    WalkInForm,
)
from .models import CalendarToken
from .recurrence import zone

ICS = "text/calendar; charset=utf-8"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    return render(request, "meet/event_list.html", {
        "network": grant.network, "grant": grant,
        "upcoming": selectors.upcoming_rows(grant.network),
        "past": selectors.network_events(grant.network, upcoming=False)[:20],
        "tz": zone(grant.network.timezone),
    })


@require_http_methods(["GET", "POST"])
def checkin_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's check-in window (facilitators): how long before an event check-in
    opens and how long after it closes."""
    grant = network_for(request.user, slug, Capability.FACILITATE)
    before, after = services.window_lengths(grant.network)
    initial = {"opens_before": int(before.total_seconds() // 60),
               "closes_after": int(after.total_seconds() // 60)}
    form = CheckInWindowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.set_window(
            grant.network,
            opens_before=None if d["opens_before"] is None else timedelta(
                minutes=d["opens_before"]),
            closes_after=None if d["closes_after"] is None else timedelta(
                minutes=d["closes_after"]))
        messages.success(request, _("The check-in window has been saved."))
        return redirect("meet-checkin-settings", slug=slug)
    return render(request, "meet/checkin_settings.html", {
        "network": grant.network, "form": form})


@require_http_methods(["GET", "POST"])
@once_per_form
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.FACILITATE)
    form = EventForm(request.POST or None, network=grant.network)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d.get("rule"):
                series = services.create_series(
                    grant.network, starts_at=d["starts_at"], ends_at=d["ends_at"],
                    rule=d["rule"], timezone_name=d["timezone"], hosts=form.host_people(),
                    **form.event_fields())
                event = series.occurrences.order_by("starts_at").first()
            else:
                event = services.create_event(
                    grant.network, starts_at=d["starts_at"], ends_at=d["ends_at"],
                    timezone=d["timezone"], hosts=form.host_people(), **form.event_fields())
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The event has been created."))
            return redirect("meet-event-detail", slug=slug, pk=event.pk)
    return render(request, "meet/event_form.html",
                  {"network": grant.network, "form": form, "creating": True})


def _rsvp_state(event: Event, person) -> dict:
    if person is None:
        return {}
    registration = Registration.objects.filter(event=event, person=person).first()
    return {
        "registration": registration,
        "position": selectors.waiting_position(registration) if registration else None,
        "attendance": Attendance.objects.filter(event=event, person=person).first(),
    }


def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    event = selectors.event_of(grant, pk)
    context = {
        "network": grant.network, "grant": grant, "event": event,
        "tz": zone(event.timezone), "summary": selectors.event_summary(event),
        "rule_words": selectors.rule_words(event),
        "can_take_part": grant.can(Capability.TAKE_PART),
        "guests_allowed": services.guests_allowed(event) and not grant.can(Capability.TAKE_PART),
        "rsvp_form": RsvpForm(), "guest_form": GuestForm(),
        "hosts": sorted(author_names(grant.network, list(event.hosts.all())).values(),
                        key=str.casefold),
        **_rsvp_state(event, grant.person),
    }
    return render(request, "meet/event_detail.html", context)


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit one event, or with ``scope=series`` this and every later occurrence."""
    grant = network_for(request.user, slug, Capability.FACILITATE)
    event = selectors.event_of(grant, pk)
    scope = "series" if request.GET.get("scope") == "series" and event.series_id else "one"
    tz = zone(event.timezone)
    initial = {
        "title": event.title, "description": event.description, "mode": event.mode,
        "location": event.location, "online_url": event.online_url,
        "starts": event.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends": event.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "timezone": event.timezone, "capacity": event.capacity,
        "hosts": list(person_refs(grant.network, event.hosts.values_list("pk",
                                                                       flat=True)).values()),
    }
    form = EventForm(request.POST or None, network=grant.network, series=False,
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if scope == "series":
                services.edit_series(event, start_time=d["starts_at"].timetz(),
                                     duration=d["ends_at"] - d["starts_at"],
                                     hosts=form.host_people(), **form.event_fields())
            else:
                services.edit_occurrence(event, starts_at=d["starts_at"],
                                         ends_at=d["ends_at"], timezone=d["timezone"],
                                         hosts=form.host_people(), **form.event_fields())
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("meet-event-detail", slug=slug, pk=event.pk)
    return render(request, "meet/event_form.html", {
        "network": grant.network, "form": form, "event": event, "scope": scope,
        "creating": False})


@require_POST
def event_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.FACILITATE)
    event = selectors.event_of(grant, pk)
    services.cancel_event(event)
    messages.success(request, _("The event has been cancelled."))
    return redirect("meet-event-detail", slug=slug, pk=pk)


@require_POST
def event_rsvp(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.TAKE_PART)
    event = selectors.event_of(grant, pk)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose going, maybe or not going."))
    else:
        try:
            registration = services.rsvp(event, grant.person, form.cleaned_data["status"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if registration.is_waitlisted:
                messages.info(request, _("The event is full: you are on the waiting list."))
            else:
                messages.success(request, _("Your answer has been saved."))
    return redirect("meet-event-detail", slug=slug, pk=pk)


@require_POST
def event_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A guest without an account registers (public networks only)."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    event = selectors.event_of(grant, pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            services.register_guest(event, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            # The same answer whoever owns the address: the ticket (or the place on the
            # waiting list) is only ever in the mail.
            messages.success(request, _(
                "Thank you. We have e-mailed your ticket to that address (or your place on "
                "the waiting list, when the event is full). Registering again with the "
                "same address sends it again."))
            return redirect("meet-event-detail", slug=slug, pk=pk)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("meet-event-detail", slug=slug, pk=pk)


@require_http_methods(["GET", "POST"])
def event_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Invitations by e-mail: first a preview (who gets it, and the mail itself), sent only
    when the facilitator confirms it."""
    grant = network_for(request.user, slug, Capability.FACILITATE)
    event = selectors.event_of(grant, pk)
    if request.method == "POST" and request.POST.get("confirm") == "send":
        count = services.invite_members(event)
        messages.success(request, _("Invitations sent: %(count)d.") % {"count": count})
        return redirect("meet-event-detail", slug=slug, pk=pk)
    if request.method == "POST":
        return redirect("meet-event-invite", slug=slug, pk=pk)
    recipients = services.invitation_recipients(event)
    names = sorted(author_names(grant.network, [m.person for m in recipients]).values(),
                   key=str.casefold)
    return _private(render(request, "meet/invite.html", {
        "network": grant.network, "event": event, "tz": zone(event.timezone),
        "names": names, "count": len(recipients),
        "mail": services.invitation_preview(event, recipients[0]) if recipients else None,
    }))


def _checked_in(event: Event, attendance: Attendance, already: set[int]) -> tuple[str, bool]:
    """The door's message after a check-in, naming the person, and whether it is a warning:
    a ticket used a second time, or someone checked in without a place."""
    name = selectors.door_name(event, attendance.person)
    when = attendance.checked_in_at.astimezone(zone(event.timezone))
    if attendance.person_id in already:
        return _("%(name)s was already checked in at %(time)s: this is the second time this "
                 "ticket or name was used.") % {
                     "name": name, "time": formats.time_format(when, "TIME_FORMAT")}, True
    registration = Registration.objects.filter(event=event,
                                               person_id=attendance.person_id).first()
    if registration is not None and registration.is_waitlisted:
        return _("Checked in, but %(name)s is on the waiting list: they have no place "
                 "yet.") % {"name": name}, True
    return _("Checked in: %(name)s.") % {"name": name}, False


def _door_action(request: HttpRequest, event: Event, action: str | None, code_form: CodeForm,
                 walk_in_form: WalkInForm) -> tuple[str, bool]:
    """Carry out one door action; the message to show ("" when a form has errors) and
    whether it is a warning."""
    data = request.POST
    already = set(Attendance.objects.filter(event=event).values_list("person_id", flat=True))
    if action in ("tick", "untick", "record"):
        person_id = person_id_for_ref(event.network, data.get("person")) or 0
        registration = Registration.objects.filter(event=event, person_id=person_id).first()
        attendance = Attendance.objects.filter(event=event, person_id=person_id).first()
        if action == "tick":
            if registration is None:
                raise ValidationError(_("That person is not on this list."))
            return _checked_in(event, services.door_check_in(event, registration.person),
                               already)
        if action == "record":
            if registration is None:
                raise ValidationError(_("That person is not on this list."))
            services.record_attendance(event, registration.person, by=request.user,
                                       reason=data.get("reason", ""))
            return _("The attendance has been recorded as a correction."), False
        if attendance is None:
            raise ValidationError(_("That person is not checked in."))
        services.undo_check_in(attendance)
        return _("The check-in of %(name)s has been undone.") % {
            "name": selectors.door_name(event, attendance.person)}, False
    if action == "code" and code_form.is_valid():
        return _checked_in(event, services.check_in_ticket(event,
                                                           code_form.cleaned_data["code"]),
                           already)
    if action == "walkin" and walk_in_form.is_valid():
        attendance = services.walk_in(event, **walk_in_form.cleaned_data)
        return _("The walk-in %(name)s has been checked in.") % {
            "name": selectors.door_name(event, attendance.person)}, False
    if action not in ("code", "walkin"):
        raise ValidationError(_("Unknown action."))
    return "", False


@require_http_methods(["GET", "POST"])
def event_door(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The attendance list at the door: tick names, type a ticket code, add walk-ins."""
    grant = network_for(request.user, slug, Capability.FACILITATE)
    event = selectors.event_of(grant, pk)
    code_form, walk_in_form = CodeForm(prefix="code"), WalkInForm(prefix="walkin")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "code":
            code_form = CodeForm(request.POST, prefix="code")
        elif action == "walkin":
            walk_in_form = WalkInForm(request.POST, prefix="walkin")
        try:
            done, warning = _door_action(request, event, action, code_form, walk_in_form)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if done:
                (messages.warning if warning else messages.success)(request, done)
                url = reverse("meet-event-door", args=[slug, pk])
                query = request.POST.get("q", "").strip()
                return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    query = request.GET.get("q", "").strip()
    rows = selectors.attendee_rows(event)
    checkin_url = request.build_absolute_uri(
        reverse("meet-event-checkin", args=[slug, pk]) + f"?code={event.checkin_code}")
    return _private(render(request, "meet/door.html", {
        "network": grant.network, "event": event, "tz": zone(event.timezone),
        "rows": selectors.matching_rows(rows, query), "total": len(rows), "query": query,
        "summary": selectors.event_summary(event),
        "code_form": code_form, "walk_in_form": walk_in_form, "checkin_url": checkin_url,
        "qr": exports.qr_svg(checkin_url), "checkin_open": services.checkin_open(event),
        "window": [moment.astimezone(zone(event.timezone))
                   for moment in services.checkin_window(event)],
    }))


@require_http_methods(["GET", "POST"])
def event_checkin(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check in on one's own phone with the event's code (from the QR code at the door).

    A member is checked in as themselves; a guest gives the e-mail address they registered
    with. Whoever may not see the network's contents sees the page only with the event's
    code in its address (the QR code at the door); without it they get the events list's
    own refusal (a secret network is a 404, a closed one a 403), whether or not the event
    exists."""
    grant = network_for(request.user, slug)
    network = grant.network
    if not grant.can(Capability.SEE_CONTENTS):
        if network.visibility == Visibility.SECRET:
            raise Http404
        event = Event.objects.filter(network=network, pk=pk).first()
        if event is None or not services.code_matches(event, request.GET.get("code", "")):
            raise PermissionDenied
    event = get_object_or_404(Event, network=network, pk=pk)
    form = SelfCheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    done = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if grant.can(Capability.TAKE_PART):
                done = services.self_check_in(event, grant.person, d["code"])
            else:
                registration = Registration.objects.filter(
                    event=event, person__user__isnull=True,
                    person__email__iexact=(d["email"] or "").strip()).first()
                if not d["email"] or registration is None:
                    raise services.CheckInError(
                        _("No guest registration for this event has that e-mail address."))
                done = services.self_check_in(event, registration.person, d["code"])
        except ValidationError as exc:
            _errors(request, exc)
    return _private(render(request, "meet/checkin.html", {
        "network": network, "event": event, "form": form, "done": done,
        "is_member": grant.can(Capability.TAKE_PART), "tz": zone(event.timezone)}))


def event_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.FACILITATE)
    event = selectors.event_of(grant, pk)
    name = f"{grant.network.slug}-{event.starts_at:%Y%m%d}-{event.pk}"
    if fmt == "csv":
        response = HttpResponse(exports.attendees_csv(event), content_type="text/csv; "
                                "charset=utf-8")
    else:
        response = HttpResponse(
            exports.attendees_xlsx(event),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return _private(response)


def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    event = selectors.event_of(grant, pk)
    response = HttpResponse(ical.event_calendar(event).to_ical(), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def series_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    event = selectors.event_of(grant, pk)
    if event.series is None:
        raise Http404
    response = HttpResponse(ical.series_calendar(event.series).to_ical(), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="series-{event.series_id}.ics"'
    return response


def _token_person(token: str):
    found = CalendarToken.objects.filter(token=token).select_related("person__user").first()
    return found.person if found is not None else None


def network_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's calendar feed. Open for a public network; for a closed or secret one the
    ``token`` (a person's feed secret) must belong to someone who sees its contents. Any
    refusal is a 404, so a secret network is not given away."""
    network = get_object_or_404(Network, slug=slug)
    token = request.GET.get("token", "")
    person = _token_person(token) if token else None
    if token and person is None:
        raise Http404
    if not selectors.network_feed_allowed(network, person):
        raise Http404
    cal = ical.feed_calendar(network.name, selectors.feed_events_for_network(network))
    return _private(HttpResponse(cal.to_ical(), content_type=ICS))


def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    person = _token_person(token)
    if person is None:
        raise Http404
    cal = ical.feed_calendar(_("My meetings"), selectors.person_feed_events(person))
    return _private(HttpResponse(cal.to_ical(), content_type=ICS))


@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The viewer's feed addresses (with their secret), and a button to renew the secret."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    token = services.calendar_token(person, renew=request.method == "POST")
    if request.method == "POST":
        messages.success(request, _("Your calendar links have been renewed; the old ones no "
                                    "longer work."))
        return redirect("meet-my-calendar")
    memberships = Membership.objects.filter(person=person, left_at__isnull=True).select_related(
        "network")
    feeds = [(m.network, request.build_absolute_uri(
        reverse("meet-network-feed", args=[m.network.slug]) + f"?token={token.token}"))
        for m in memberships]
    own = request.build_absolute_uri(reverse("meet-person-feed", args=[token.token]))
    return _private(render(request, "meet/calendar.html", {"own": own, "feeds": feeds}))
