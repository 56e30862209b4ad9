"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from netweave.core import importers

KIND_CHOICES = [
    ("attendance", _("Attendance list (CSV or XLSX)")),
    ("log", _("Interaction log (delimited text)")),
    ("ical", _("Calendar (iCalendar .ics)")),
    ("mbox", _("Mailing-list archive (mbox)")),
    ("slack", _("Slack export (.zip)")),
    ("discourse", _("Discourse topics (saved JSON or a zip of them)")),
    ("meetup", _("Meetup RSVP or attendance export")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("File"))
    mapping = forms.CharField(
        label=_("Column mapping"), required=False, max_length=2000,
        help_text=_("Only for tables whose headers are not recognised, e.g. "
                    "'Naam deelnemer=person, Datum=time'. Fields: person, first_name, "
                    "last_name, email, event, time, organisation, sector, channel."))
    dry_run = forms.BooleanField(label=_("Dry run: only report what would be imported"),
                                 required=False)
    # Interaction logs only (the command line's --columns, --time-origin, --contacts).
    columns = forms.CharField(
        label=_("Columns of a file without a header"), required=False, max_length=200,
        help_text=_("In their order, e.g. time,actor,target (- skips a column)."))
    time_origin = forms.CharField(
        label=_("Time origin"), required=False, max_length=40,
        help_text=_("When numeric times count seconds from a start of their own (a "
                    "relative clock), that start, e.g. 2026-01-05T09:00. For a list of "
                    "ties without times: the date they are dated at."))
    contacts = forms.FloatField(
        label=_("Undirected contacts of this many seconds"), required=False, min_value=1,
        help_text=_("For face-to-face sensor logs: each line is a contact window of this "
                    "length between two people, in no direction (e.g. 20). Empty: each "
                    "line is a message from actor to target."))
    # Attendance lists only (--events, --date, --not-recorded).
    events = forms.FileField(
        label=_("Events file"), required=False,
        help_text=_("A table of the events (event, date[, location]) when the list names "
                    "events without their dates."))
    date = forms.DateField(
        label=_("Date of undated events"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Events with no date anywhere are all dated on this day (one period). "
                    "Empty: the day of import."))
    not_recorded = forms.CharField(
        label=_("Values meaning 'not recorded'"), required=False, max_length=100,
        help_text=_("In the attended column, e.g. 0 when 0 means unknown, not absent."))

    #: The form's fields of each reading option, by the option's name.
    OPTION_FIELDS = ("columns", "time_origin", "contacts", "events", "date", "not_recorded")

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        allowed = importers.OPTIONS.get(kind or "", ())
        for name in self.OPTION_FIELDS:
            if data.get(name) not in (None, "") and name not in allowed:
                self.add_error(name, _("This option is not used for this kind of file; "
                                       "leave it empty."))
        return data

    def options(self) -> dict[str, str]:
        """The reading options given, as text (the events file is passed apart)."""
        d = self.cleaned_data
        out = {name: str(d[name]) for name in self.OPTION_FIELDS
               if name != "events" and d.get(name) not in (None, "")}
        if "contacts" in out:
            out["contacts"] = f"{d['contacts']:g}"
        return out

    def log_fields(self) -> list:
        return [self[n] for n in ("columns", "time_origin", "contacts")]

    def attendance_fields(self) -> list:
        return [self[n] for n in ("events", "date", "not_recorded")]

    def main_fields(self) -> list:
        return [self[n] for n in self.fields if n not in self.OPTION_FIELDS]


class ReviewForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirmed", _("Same person")),
                                          ("dismissed", _("Wrong")), ("open", _("Reopen"))])
