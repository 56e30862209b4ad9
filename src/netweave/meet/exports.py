"""Attendee exports (CSV and XLSX) and QR codes (SVG) for the door."""

from __future__ import annotations

import csv
import io

import segno
from django.utils.translation import gettext as _
from openpyxl import Workbook

from netweave.networks.models import Event

from .recurrence import zone
from .selectors import AttendeeRow, attendee_rows


def _header() -> list[str]:
    return [_("Name"), _("E-mail"), _("Organisation"), _("Kind"), _("RSVP"),
            _("Waiting list"), _("Checked in"), _("Checked in at"), _("Checked in by"),
            _("Attended")]


def _cells(row: AttendeeRow, event: Event) -> list[str]:
    at = row.checked_in_at.astimezone(zone(event.timezone)).strftime("%Y-%m-%d %H:%M") \
        if row.checked_in_at else ""
    yes, no = _("yes"), _("no")
    return [row.name, row.email, row.organisation, row.kind_label, row.rsvp_label,
            yes if row.waitlisted else no, yes if row.checked_in else no, at,
            row.method_label, row.mode_label]


def _safe(cell: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@") else cell


def attendees_csv(event: Event) -> str:
    """The attendance list as CSV (UTF-8, comma-separated, header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    for row in attendee_rows(event):
        writer.writerow([_safe(c) for c in _cells(row, event)])
    return out.getvalue()


def attendees_xlsx(event: Event) -> bytes:
    """The attendance list as an Excel workbook with one sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Attendees")[:31]
    sheet.append(_header())
    for row in attendee_rows(event):
        sheet.append([_safe(c) for c in _cells(row, event)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def qr_svg(text: str) -> str:
    """``text`` as a QR code in SVG."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                     svgns=True, title=_("QR code"))
    return out.getvalue().decode()
