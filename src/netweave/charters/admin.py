"""Charter versions in the admin: read-only (a version is history, never edited)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import CharterVersion


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ("network", "number", "author", "created_at")
    list_filter = ("network",)
    readonly_fields = ("network", "number", "author", "created_at", "data", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
