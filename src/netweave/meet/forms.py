"""Forms of the meeting pages. Times are typed as local wall-clock times in the event's
time zone."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.networks.models import EventMode, Membership, Network, Person, RsvpStatus
from netweave.networks.selectors import member_name, person_ref
from netweave.networks.validators import single_line

from . import recurrence

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week")),
    ("fortnightly", _("Every two weeks")),
    ("monthly_weekday", _("Monthly, on the same weekday of the month (e.g. first Thursday)")),
    ("monthly_last", _("Monthly, on the last of its weekday")),
    ("custom", _("Custom rule (under Advanced)")),
]
#: Fields of the event form shown only under "Advanced".
ADVANCED_FIELDS = ("rrule",)


def _local(value: str, tz: str, label: str) -> datetime:
    try:
        naive = datetime.strptime(value.strip(), LOCAL_FORMAT)
    except ValueError as exc:
        raise forms.ValidationError(
            _("%(label)s: expected a date and time like 2026-03-05T19:30.") % {"label": label}
        ) from exc
    return naive.replace(tzinfo=recurrence.zone(tz))


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    mode = forms.ChoiceField(label=_("Kind of meeting"), choices=EventMode.choices)
    location = forms.CharField(label=_("Location"), max_length=300, required=False,
                               validators=[single_line])
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    starts = forms.CharField(label=_("Starts"),
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends = forms.CharField(label=_("Ends"),
                           widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    timezone = forms.ChoiceField(label=_("Time zone"))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False,
                                  help_text=_("Empty: no limit."))
    hosts = forms.MultipleChoiceField(label=_("Hosts"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, required=False)
    until = forms.DateField(label=_("Repeats until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("The last date it may fall on. Or give a number of "
                                        "times; neither: it goes on."))
    count = forms.IntegerField(label=_("Number of times"), min_value=1, max_value=500,
                               required=False)
    rrule = forms.CharField(label=_("Custom rule (RFC 5545 RRULE)"), max_length=300,
                            required=False,
                            help_text=_("For example FREQ=MONTHLY;BYDAY=1TH. Choose "
                                        "\"Custom rule\" under Repeats to use it."))

    def __init__(self, *args, network: Network, series: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        members = (Membership.objects.filter(network=network, left_at__isnull=True)
                   .select_related("person"))
        #: reference in the network -> person id of each active member (never a global id
        #: in the page).
        self.host_refs = {person_ref(network, m.person_id): m.person_id for m in members}
        refs = {v: k for k, v in self.host_refs.items()}
        self.fields["hosts"].choices = sorted(
            ((refs[m.person_id], member_name(m)) for m in members),
            key=lambda c: c[1].casefold())
        self.fields["timezone"].choices = [(z, z) for z in sorted(
            zoneinfo.available_timezones() | {network.timezone}) if "/" in z or z == "UTC"]
        self.fields["timezone"].initial = network.timezone
        if not series:
            for name in ("repeat", "until", "count", "rrule"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean()
        tz = data.get("timezone")
        if tz and data.get("starts") and data.get("ends"):
            data["starts_at"] = _local(data["starts"], tz, str(_("Starts")))
            data["ends_at"] = _local(data["ends"], tz, str(_("Ends")))
            if data["ends_at"] < data["starts_at"]:
                self.add_error("ends", _("The end must not be before the start."))
        mode = data.get("mode")
        if mode in (EventMode.OFFLINE, EventMode.HYBRID) and not data.get("location"):
            self.add_error("location", _("Give a location for a meeting in person."))
        if mode in (EventMode.ONLINE, EventMode.HYBRID) and not data.get("online_url"):
            self.add_error("online_url", _("Give the link for joining online."))
        repeat = data.get("repeat")
        if repeat and "starts_at" in data:
            try:
                if repeat == "custom":
                    if not data.get("rrule"):
                        raise recurrence.RuleError(str(_("Give the rule.")))
                    rule = recurrence.normalise(data["rrule"])
                else:
                    rule = recurrence.preset_rule(repeat, data["starts_at"])
                recurrence.expand(rule, data["starts_at"], tz, limit=1)
            except recurrence.RuleError as exc:
                given = repeat != "custom" or data.get("rrule")
                self.add_error("rrule" if repeat == "custom" else "repeat", str(exc) if
                               not given else _(
                                   "This repeat rule cannot be used. Write it like "
                                   "FREQ=WEEKLY;BYDAY=TH or FREQ=MONTHLY;BYDAY=1TH."))
            else:
                try:
                    data["rule"] = self._with_end(rule)
                    recurrence.expand(data["rule"], data["starts_at"], tz, limit=1)
                except recurrence.RuleError as exc:
                    data.pop("rule", None)
                    self.add_error("until", str(exc))
        elif not repeat and (data.get("until") or data.get("count")):
            self.add_error("repeat", _("Choose how the event repeats, or leave the last date "
                                       "and the number of times empty."))
        return data

    def _with_end(self, rule: str) -> str:
        """``rule`` ending on the form's last date or after its number of times."""
        until, count = self.cleaned_data.get("until"), self.cleaned_data.get("count")
        if until is None and count is None:
            return rule
        if until is not None and count is not None:
            raise recurrence.RuleError(str(_("Give a last date or a number of times, not "
                                             "both.")))
        if any(part.split("=")[0] in ("UNTIL", "COUNT") for part in rule.split(";")):
            raise recurrence.RuleError(str(_("The custom rule already says when it ends: "
                                             "leave the last date and the number of times "
                                             "empty.")))
        if until is not None:
            if until < self.cleaned_data["starts_at"].date():
                raise recurrence.RuleError(str(_("The last date must not be before the "
                                                 "start.")))
            return f"{rule};UNTIL={until:%Y%m%d}T235959"
        return f"{rule};COUNT={count}"

    def basic_fields(self) -> list:
        """The form's fields shown without opening "Advanced"."""
        return [self[name] for name in self.fields if name not in ADVANCED_FIELDS]

    def advanced_fields(self) -> list:
        """The fields under "Advanced" (the raw RRULE)."""
        return [self[name] for name in ADVANCED_FIELDS if name in self.fields]

    def host_people(self) -> list[Person]:
        ids = [self.host_refs[r] for r in self.cleaned_data.get("hosts") or []]
        return list(Person.objects.filter(pk__in=ids))

    def event_fields(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "description": d["description"], "mode": d["mode"],
                "location": d["location"], "online_url": d["online_url"],
                "capacity": d["capacity"]}


class RsvpForm(forms.Form):
    status = forms.ChoiceField(label=_("Your answer"), choices=RsvpStatus.choices)


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[single_line])
    email = forms.EmailField(label=_("E-mail"))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False,
                                   validators=[single_line])


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[single_line])
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False,
                                   validators=[single_line])


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)


class SelfCheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=20)
    email = forms.EmailField(label=_("E-mail you registered with"), required=False)


class CheckInWindowForm(forms.Form):
    """A network's check-in window in minutes; both empty: the site's defaults."""

    opens_before = forms.IntegerField(
        label=_("Check-in opens this many minutes before the start"), min_value=0,
        max_value=7 * 24 * 60, required=False)
    closes_after = forms.IntegerField(
        label=_("Check-in closes this many minutes after the end"), min_value=0,
        max_value=7 * 24 * 60, required=False,
        help_text=_("Leave both empty to use the site's defaults."))
