"""Django admin for meetings: recurring series (their occurrences are ordinary events).

Series are made through :mod:`netweave.meet.services` only (each occurrence writes its
``host`` rows), so the admin cannot add one and the rule is read-only.
"""

from __future__ import annotations

from django.contrib import admin

from netweave.networks.admin import ServiceOnlyAdmin
from netweave.networks.models import EventSeries

from .models import Notice


@admin.register(EventSeries)
class EventSeriesAdmin(ServiceOnlyAdmin):
    list_display = ("rrule", "network", "first_start", "duration", "timezone")
    list_filter = ("network",)
    fields = ("network", "rrule", "timezone", "first_start", "duration", "created_at")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(ServiceOnlyAdmin):
    list_display = ("kind", "event", "sent_at")
    list_filter = ("kind",)
    fields = ("kind", "event", "sent_at")
    readonly_fields = fields
