"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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


class ReviewForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirmed", _("Same person")),
                                          ("dismissed", _("Wrong")), ("open", _("Reopen"))])
