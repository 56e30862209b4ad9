"""Django admin: inspection and moderation of the domain objects.

Two rules shape it:

* Objects whose creation writes activity rows (memberships, RSVPs, attendance, posts, …)
  are created through the services modules only, so the admin cannot add them,
  and the fields the activity log mirrors (who, where, when) are read-only. Text can still
  be corrected. :class:`~netweave.networks.models.Activity` itself is append-only: read-only.
* Wherever a row belongs to a network, people are shown by the name they use *there*: a
  member who uses a pseudonym appears by the pseudonym, to staff as well.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    Activity,
    Attendance,
    Discussion,
    Event,
    Exchange,
    Identity,
    Introduction,
    Invitation,
    JoinRequest,
    Membership,
    Need,
    Network,
    Offer,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
    ValueStory,
)
from .selectors import member_name, name_in

#: ``person`` as shown in the network (one rule for pages, admin and ``__str__``).
shown_name = name_in


def _shown(label: str, network_attr: str, person_attr: str):
    """A changelist column showing ``obj.<person_attr>`` by their name in the network."""

    def column(self, obj) -> str:
        network_id = obj
        for part in network_attr.split("."):
            network_id = getattr(network_id, part)
        return shown_name(network_id, getattr(obj, person_attr))

    column.short_description = label  # type: ignore[attr-defined]
    return column


class ServiceOnlyAdmin(admin.ModelAdmin):
    """Objects created through the services only (they write activity rows)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "municipality", "website")
    list_filter = ("sector",)
    search_fields = ("name", "municipality")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organisation", "sector", "user", "created_at")
    list_filter = ("sector", "introductions_opt_out")
    search_fields = ("name", "email", "user__username", "organisation__name")
    list_select_related = ("organisation", "user")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "primary_type", "mode", "visibility", "identity_mode",
                    "region", "created_at")
    list_filter = ("primary_type", "mode", "visibility", "identity_mode")
    search_fields = ("name", "slug", "purpose", "region")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"


@admin.register(Membership)
class MembershipAdmin(ServiceOnlyAdmin):
    list_display = ("shown_as", "network", "role", "identity", "joined_at", "left_at")
    list_filter = ("role", "identity", "network")
    # No search on the person's name: it would tie real names to pseudonyms.
    search_fields = ("pseudonym", "network__name")
    list_select_related = ("network", "person")
    readonly_fields = ("shown_as", "network", "identity", "pseudonym", "joined_at", "left_at")

    @admin.display(description=_("shown as"))
    def shown_as(self, obj: Membership) -> str:
        return member_name(obj)

    def get_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        """The person is left out of a pseudonymous membership."""
        fields = ["shown_as", "network", "role", "identity", "pseudonym", "joined_at",
                  "left_at"]
        if obj is not None and obj.identity != Identity.PSEUDONYM:
            fields.insert(1, "person")
        return fields

    def get_readonly_fields(self, request: HttpRequest,
                            obj: Membership | None = None) -> tuple[str, ...]:
        return (*self.readonly_fields, "person")


@admin.register(JoinRequest)
class JoinRequestAdmin(ServiceOnlyAdmin):
    """Requests to join; answered on the network's members page (the person is told)."""

    list_display = ("shown_as", "network", "status", "created_at", "decided_at")
    list_filter = ("status", "network")
    search_fields = ("pseudonym", "network__name")
    list_select_related = ("network", "person")
    fields = ("shown_as", "network", "status", "message", "created_at", "decided_at",
              "answer")
    readonly_fields = fields

    @admin.display(description=_("shown as"))
    def shown_as(self, obj: JoinRequest) -> str:
        return obj.pseudonym if obj.identity == Identity.PSEUDONYM else obj.person.name


@admin.register(Invitation)
class InvitationAdmin(ServiceOnlyAdmin):
    """Invitation links (only their hash is kept); withdrawn on the members page."""

    list_display = ("network", "email", "uses", "max_uses", "expires_at", "revoked_at")
    list_filter = ("network",)
    search_fields = ("email", "network__name")
    list_select_related = ("network",)
    fields = ("network", "email", "uses", "max_uses", "created_at", "expires_at",
              "revoked_at")
    readonly_fields = ("network", "email", "uses", "created_at")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "network", "mode", "starts_at", "ends_at", "location", "capacity")
    list_filter = ("mode", "network")
    search_fields = ("title", "description", "location", "network__name")
    list_select_related = ("network",)
    date_hierarchy = "starts_at"
    # Hosts write ``host`` rows: they are set through the services.
    exclude = ("hosts",)


@admin.register(Registration)
class RegistrationAdmin(ServiceOnlyAdmin):
    list_display = ("event", "person_shown", "status", "updated_at")
    list_filter = ("status", "event__network")
    search_fields = ("event__title",)
    list_select_related = ("event", "person")
    fields = ("event", "person_shown", "status", "created_at", "updated_at")
    readonly_fields = fields
    person_shown = _shown(_("person"), "event.network_id", "person")


@admin.register(Attendance)
class AttendanceAdmin(ServiceOnlyAdmin):
    list_display = ("event", "person_shown", "mode", "method", "checked_in_at")
    list_filter = ("mode", "method", "event__network")
    search_fields = ("event__title",)
    list_select_related = ("event", "person")
    fields = ("event", "person_shown", "mode", "method", "checked_in_at")
    readonly_fields = fields
    person_shown = _shown(_("person"), "event.network_id", "person")


@admin.register(Discussion)
class DiscussionAdmin(ServiceOnlyAdmin):
    list_display = ("title", "network", "author_shown", "is_question", "created_at")
    list_filter = ("is_question", "network")
    search_fields = ("title", "network__name")
    list_select_related = ("network", "author")
    date_hierarchy = "created_at"
    fields = ("title", "network", "author_shown", "is_question", "created_at")
    readonly_fields = ("network", "author_shown", "is_question", "created_at")
    author_shown = _shown(_("author"), "network_id", "author")


@admin.register(Post)
class PostAdmin(ServiceOnlyAdmin):
    list_display = ("excerpt", "discussion", "author_shown", "created_at")
    list_filter = ("discussion__network",)
    search_fields = ("body", "discussion__title")
    list_select_related = ("discussion", "author")
    date_hierarchy = "created_at"
    fields = ("discussion", "author_shown", "body", "created_at")
    readonly_fields = ("discussion", "author_shown", "created_at")
    author_shown = _shown(_("author"), "discussion.network_id", "author")

    @admin.display(description=_("text"))
    def excerpt(self, obj: Post) -> str:
        return obj.body[:80]


@admin.register(Reaction)
class ReactionAdmin(ServiceOnlyAdmin):
    list_display = ("emoji", "post", "person_shown", "created_at")
    list_filter = ("emoji",)
    list_select_related = ("post__discussion", "person")
    fields = ("post", "person_shown", "emoji", "created_at")
    readonly_fields = fields
    person_shown = _shown(_("person"), "post.discussion.network_id", "person")


class GiveTakeAdmin(ServiceOnlyAdmin):
    list_display = ("text", "person_shown", "network", "status", "created_at", "fulfilled_at")
    list_filter = ("status", "network")
    search_fields = ("text",)
    list_select_related = ("network", "person")
    fields = ("text", "tags", "person_shown", "network", "status", "created_at", "fulfilled_at")
    readonly_fields = ("person_shown", "network", "status", "created_at", "fulfilled_at")
    person_shown = _shown(_("person"), "network_id", "person")


admin.site.register(Offer, GiveTakeAdmin)
admin.site.register(Need, GiveTakeAdmin)


@admin.register(Exchange)
class ExchangeAdmin(ServiceOnlyAdmin):
    list_display = ("description", "network", "giver_shown", "receiver_shown", "weight",
                    "created_at", "confirmed_at")
    list_filter = ("network",)
    search_fields = ("description",)
    list_select_related = ("network", "giver", "receiver")
    fields = ("description", "network", "giver_shown", "receiver_shown", "weight",
              "created_at", "confirmed_at")
    readonly_fields = ("network", "giver_shown", "receiver_shown", "weight", "created_at",
                       "confirmed_at")
    giver_shown = _shown(_("giver"), "network_id", "giver")
    receiver_shown = _shown(_("receiver"), "network_id", "receiver")


@admin.register(Introduction)
class IntroductionAdmin(ServiceOnlyAdmin):
    list_display = ("network", "introducer_shown", "person_a_shown", "person_b_shown", "met",
                    "valuable", "created_at")
    list_filter = ("met", "valuable", "network")
    search_fields = ("reasons",)
    list_select_related = ("network", "introducer", "person_a", "person_b")
    fields = ("network", "introducer_shown", "person_a_shown", "person_b_shown", "reasons",
              "met", "valuable", "created_at")
    readonly_fields = ("network", "introducer_shown", "person_a_shown", "person_b_shown",
                       "created_at")
    introducer_shown = _shown(_("introducer"), "network_id", "introducer")
    person_a_shown = _shown(_("first person"), "network_id", "person_a")
    person_b_shown = _shown(_("second person"), "network_id", "person_b")


@admin.register(ValueStory)
class ValueStoryAdmin(ServiceOnlyAdmin):
    list_display = ("title", "network", "author_shown", "cycle", "created_at")
    list_filter = ("cycle", "network")
    search_fields = ("title", "text")
    list_select_related = ("network", "author")
    fields = ("title", "text", "cycle", "network", "author_shown", "created_at")
    readonly_fields = ("network", "author_shown", "created_at")
    author_shown = _shown(_("author"), "network_id", "author")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The append-only log: it can be read, never added to, changed or deleted here."""

    list_display = ("at", "network", "kind", "actor_shown", "target_shown", "channel",
                    "weight", "source", "object_type", "object_id", "corrects")
    list_filter = ("kind", "channel", "source", "network")
    search_fields = ("kind", "source", "object_type")
    list_select_related = ("network", "actor", "target")
    date_hierarchy = "at"
    fields = ("at", "network", "kind", "actor_shown", "target_shown", "channel", "weight",
              "source", "object_type", "object_id", "corrects")
    readonly_fields = fields
    actor_shown = _shown(_("actor"), "network_id", "actor")
    target_shown = _shown(_("target"), "network_id", "target")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        return False
