"""Staff views of what the discuss app keeps. People appear by id (raw id fields), so that
the admin lists no real names of pseudonymous members."""

from __future__ import annotations

from django.contrib import admin

from .models import DigestPreference, DigestSent, Follow, Mention, Visit


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("id", "person_id", "discussion_id", "created_at")
    raw_id_fields = ("person", "discussion")


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("id", "person_id", "post_id", "created_at")
    raw_id_fields = ("person", "post")


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("person_id", "frequency")
    list_filter = ("frequency",)
    raw_id_fields = ("person",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("person_id", "network", "last_seen_at")
    raw_id_fields = ("person", "network")


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ("person_id", "frequency", "period_start", "period_end", "items", "sent_at")
    list_filter = ("frequency",)
    raw_id_fields = ("person",)
