"""Trust's records in the admin: read-only (tokens are made and revoked by their owners)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import ApiToken, AuditEntry, Consent, Erasure


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "network_label", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "target_label", "network_label"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "prefix", "scope", "created_at", "last_used_at",
                    "revoked_at"]
    exclude = ["token_hash"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "given", "at"]
    list_filter = ["kind", "given"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["person", "at"]
