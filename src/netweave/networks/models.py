"""Domain models of netweave.

Objects say what *is* (a network, an event, a post); the append-only :class:`Activity` log
says what *happened* and feeds every metric (docs/metrics.md#data). Domain actions that
change objects go through the services modules (:mod:`netweave.networks.services` and each
feature app's own), which write the matching activity rows in the same transaction.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from netweave.core import activity as act


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business")
    CIVIL_SOCIETY = "civil_society", _("Civil society / NGO")
    KNOWLEDGE = "knowledge", _("Knowledge institution")
    RESIDENTS = "residents", _("Residents")
    OTHER = "other", _("Other")


class CommunityType(models.TextChoices):
    ACTION = "action", _("Action")
    PRACTICE = "practice", _("Practice")
    PLACE = "place", _("Place")
    INTEREST = "interest", _("Interest")
    CIRCUMSTANCE = "circumstance", _("Circumstance")


class Mode(models.TextChoices):
    OFFLINE_FIRST = "offline_first", _("Offline first")
    HYBRID = "hybrid", _("Hybrid")
    ONLINE_ONLY = "online_only", _("Online only")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CLOSED = "closed", _("Closed")
    SECRET = "secret", _("Secret")


class IdentityMode(models.TextChoices):
    NAMED = "named", _("Real names")
    PSEUDONYMS_ALLOWED = "pseudonyms_allowed", _("Pseudonyms allowed")
    PSEUDONYMOUS_ONLY = "pseudonymous_only", _("Pseudonymous only")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def _name_in(network_id: int | None, person: Person | None) -> str:
    """How the network shows ``person`` (a pseudonym where used): rows that belong to a
    network say who by that name, never by ``Person.name`` (the admin labels them so)."""
    from .selectors import name_in  # the selectors import these models

    return name_in(network_id, person)


class Person(models.Model):
    """Someone taking part. An account is optional: guests have ``user`` empty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    #: Own sector; empty means "the organisation's sector" (residents have no organisation).
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    introductions_opt_out = models.BooleanField(_("no introductions, please"), default=False)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def effective_sector(self) -> str:
        if self.sector:
            return self.sector
        return self.organisation.sector if self.organisation else Sector.OTHER


class Network(models.Model):
    """A purpose-driven network and its charter (PRODUCT.md, "Design")."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"))
    goals = models.TextField(_("goals"), blank=True)
    expectations_bring = models.TextField(_("what members bring"), blank=True)
    expectations_get = models.TextField(_("what members get"), blank=True)
    planned_activities = models.TextField(_("planned activities"), blank=True)
    cadence = models.CharField(_("rhythm"), max_length=200, blank=True)
    focus_tags = models.JSONField(_("focus tags"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    primary_type = models.CharField(
        _("primary community type"), max_length=20, choices=CommunityType.choices
    )
    secondary_types = models.JSONField(_("other community types"), default=list, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.HYBRID)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    identity_mode = models.CharField(
        _("identity mode"), max_length=20, choices=IdentityMode.choices, default=IdentityMode.NAMED
    )
    #: Target stakeholder mix: sector -> share (shares sum to 1 or the mix is empty).
    target_mix = models.JSONField(_("target stakeholder mix"), default=dict, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    #: The language of the network's e-mails to members who chose none for themselves.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.CheckConstraint(
                condition=Q(primary_type__in=CommunityType.values), name="network_primary_type"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network-detail", args=[self.slug])

    @property
    def community_types(self) -> list[str]:
        """Primary type first, then the secondary ones."""
        return [self.primary_type, *(t for t in self.secondary_types if t != self.primary_type)]


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class Identity(models.TextChoices):
    REAL = "real", _("Real name")
    PSEUDONYM = "pseudonym", _("Pseudonym")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Off")


class Membership(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    identity = models.CharField(
        _("shown as"), max_length=10, choices=Identity.choices, default=Identity.REAL
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=80, blank=True)
    joined_at = models.DateTimeField(_("joined"), default=now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # The profile in this network; empty fields fall back to the person's own.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    email_language = models.CharField(_("language of e-mails"), max_length=8, blank=True,
                                      choices=settings.LANGUAGES)
    digest_frequency = models.CharField(_("digest"), max_length=10, blank=True,
                                        choices=DigestFrequency.choices)

    class Meta:
        ordering = ["network", "joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], name="one_membership_per_network"
            ),
            models.UniqueConstraint(
                fields=["network", "pseudonym"],
                condition=~Q(pseudonym=""),
                name="unique_pseudonym_per_network",
            ),
            models.CheckConstraint(
                condition=Q(identity="real") | ~Q(pseudonym=""), name="pseudonym_when_pseudonymous"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.network}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def effective_organisation(self) -> Organisation | None:
        """The organisation given in this network, else the person's own."""
        return self.organisation or self.person.organisation

    @property
    def effective_sector(self) -> str:
        """The sector given in this network, else its organisation's, else the person's."""
        if self.sector:
            return self.sector
        if self.organisation is not None:
            return self.organisation.sector
        return self.person.effective_sector

    @property
    def effective_interests(self) -> list[str]:
        """Interests given in this network, else the person's own."""
        return [str(i) for i in (self.interests or self.person.interests or [])]

    @property
    def display_name(self) -> str:
        """The name other members see: the pseudonym when the member uses one."""
        if self.identity == Identity.PSEUDONYM:
            return self.pseudonym
        return self.person.name


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """Someone asks to join a closed network; a facilitator approves or declines."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("network")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("person")
    )
    message = models.TextField(_("message"), blank=True)
    identity = models.CharField(
        _("shown as"), max_length=10, choices=Identity.choices, default=Identity.REAL
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    created_at = models.DateTimeField(_("created"), default=now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("decided by"),
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(fields=["network", "person"],
                                    condition=Q(status="pending"),
                                    name="one_pending_request_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.status}"


class Invitation(models.Model):
    """A link that lets people join a network: expiring, for ``max_uses`` people, revocable.

    Only a hash of the link's secret is kept; the link itself is shown (or mailed) once.
    """

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("network")
    )
    digest = models.CharField(_("link hash"), max_length=64, unique=True)
    email = models.EmailField(_("sent to"), blank=True)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=now)
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveIntegerField(_("people who may use it"), default=1)
    uses = models.PositiveIntegerField(_("used"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=Q(uses__lte=models.F("max_uses")),
                                   name="invitation_uses_within_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.uses}/{self.max_uses}"

    def is_open(self, at=None) -> bool:
        """Not revoked, not expired, not used up."""
        at = at or now()
        return self.revoked_at is None and at < self.expires_at and self.uses < self.max_uses


class EventMode(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


#: Letters of check-in codes and tickets: no 0/O or 1/I/L to misread at the door.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int = 6) -> str:
    """A random code of ``length`` unambiguous letters and digits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def new_ticket() -> str:
    """A random 8-character ticket code for a registration."""
    return new_code(8)


class EventSeries(models.Model):
    """A recurring event: an RFC 5545 rule expanded in the series' own time zone.

    Each occurrence is a real :class:`Event` row (so RSVPs and attendance attach to one
    concrete meeting); ``first_start`` and ``timezone`` anchor the rule in local time, so a
    meeting at 19:30 stays at 19:30 across daylight-saving changes.
    """

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="event_series", verbose_name=_("network")
    )
    rrule = models.CharField(_("recurrence rule"), max_length=300)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    first_start = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return self.rrule


class Event(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="events", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=EventMode.choices, default=EventMode.OFFLINE
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    hosts = models.ManyToManyField(
        Person, blank=True, related_name="hosted_events", verbose_name=_("hosts")
    )
    created_at = models.DateTimeField(_("created"), default=now)
    #: The series this event is one occurrence of; empty for a one-off event.
    series = models.ForeignKey(
        EventSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    #: The start the series' rule gave this occurrence (iCalendar RECURRENCE-ID).
    recurrence_id = models.DateTimeField(_("original start"), null=True, blank=True)
    #: Edited as one occurrence: later edits of the whole series leave it alone.
    detached = models.BooleanField(_("edited on its own"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    #: The code people type (or scan as a QR code) to check themselves in.
    checkin_code = models.CharField(_("check-in code"), max_length=12, blank=True,
                                    default=new_code)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["network", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class Registration(models.Model):
    """An RSVP: an intention to come. Kept apart from :class:`Attendance`."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("person")
    )
    status = models.CharField(_("answer"), max_length=10, choices=RsvpStatus.choices)
    created_at = models.DateTimeField(_("created"), default=now)
    updated_at = models.DateTimeField(_("updated"), default=now)
    #: Set while a "going" answer waits for a place; the earliest waits first.
    waitlisted_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    #: A personal code shown at the door (typed in or scanned) to check this person in.
    ticket = models.CharField(_("ticket code"), max_length=16, blank=True, db_index=True,
                              default=new_ticket)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_event"),
        ]

    def __str__(self) -> str:
        return f"{_name_in(self.event.network_id, self.person)} → {self.event}: {self.status}"

    @property
    def is_waitlisted(self) -> bool:
        return self.waitlisted_at is not None


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")


class CheckInMethod(models.TextChoices):
    CODE = "code", _("Check-in code")
    LIST = "list", _("Attendance list")
    WALK_IN = "walk_in", _("Walk-in")
    IMPORT = "import", _("Imported")


class Attendance(models.Model):
    """Someone was really there (offline) or really joined (online)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("person")
    )
    mode = models.CharField(
        _("attended"),
        max_length=10,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    method = models.CharField(
        _("checked in by"),
        max_length=10,
        choices=CheckInMethod.choices,
        default=CheckInMethod.LIST,
    )
    checked_in_at = models.DateTimeField(_("checked in"), default=now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_attendance_per_event"),
        ]

    def __str__(self) -> str:
        return f"{_name_in(self.event.network_id, self.person)} @ {self.event}"

    @property
    def channel(self) -> str:
        return act.ONLINE if self.mode == AttendanceMode.REMOTE else act.OFFLINE


class Discussion(models.Model):
    """A topic or question; its opening message is the first :class:`Post`."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="discussions", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="discussions", verbose_name=_("author")
    )
    is_question = models.BooleanField(_("question"), default=False)
    accepted_answer = models.ForeignKey(
        "Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [models.Index(fields=["network", "created_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="posts", verbose_name=_("discussion")
    )
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="posts", verbose_name=_("author")
    )
    #: The post this one replies to; empty for the discussion's opening post.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.body[:60]


class Reaction(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("post")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("person")
    )
    emoji = models.CharField(_("reaction"), max_length=16, default="👍")
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "person", "emoji"], name="one_reaction_each"),
        ]

    def __str__(self) -> str:
        network_id = self.post.discussion.network_id
        return f"{self.emoji} {_name_in(network_id, self.person)} → {self.post}"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")


class GiveTake(models.Model):
    """What a member brings (:class:`Offer`) or seeks (:class:`Need`)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("person")
    )
    #: Empty: the offer or need holds across all the person's networks.
    network = models.ForeignKey(
        Network,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        verbose_name=_("network"),
    )
    text = models.CharField(_("text"), max_length=500)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=now)
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class Offer(GiveTake):
    class Meta(GiveTake.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")


class Need(GiveTake):
    class Meta(GiveTake.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Exchange(models.Model):
    """``giver`` gave something to ``receiver``; it counts once the receiver confirms."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="exchanges", verbose_name=_("network")
    )
    giver = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="exchanges_given", verbose_name=_("giver")
    )
    receiver = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="exchanges_received",
        verbose_name=_("receiver"),
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("offer")
    )
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("need")
    )
    description = models.CharField(_("what was given"), max_length=500)
    weight = models.FloatField(_("weight"), default=1.0)
    created_at = models.DateTimeField(_("created"), default=now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("receiver")), name="exchange_between_two_people"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Introduction(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="introductions", verbose_name=_("network")
    )
    introducer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="introductions_made",
        verbose_name=_("introduced by"),
    )
    person_a = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    person_b = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("other person")
    )
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(_("created"), default=now)
    met = models.BooleanField(_("met"), null=True, blank=True)
    valuable = models.BooleanField(_("valuable"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(person_a=models.F("person_b")), name="introduction_between_two_people"
            ),
        ]

    def __str__(self) -> str:
        return (f"{_name_in(self.network_id, self.person_a)} ↔ "
                f"{_name_in(self.network_id, self.person_b)}")


class ValueCycle(models.TextChoices):
    """Value-creation cycles (Wenger, Trayner & de Laat 2011; docs/metrics.md#stories)."""

    IMMEDIATE = "immediate", _("Immediate value")
    POTENTIAL = "potential", _("Potential value")
    APPLIED = "applied", _("Applied value")
    REALISED = "realised", _("Realised value")
    REFRAMING = "reframing", _("Reframing value")


class ValueStory(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="stories", verbose_name=_("network")
    )
    author = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="stories", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("story"))
    cycle = models.CharField(_("value cycle"), max_length=12, choices=ValueCycle.choices)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("value story")
        verbose_name_plural = _("value stories")

    def __str__(self) -> str:
        return self.title


class AppendOnlyError(Exception):
    """Raised on an attempt to change or remove a row of the activity log."""


class ActivityQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("the activity log is append-only; add a correcting row instead")

    def delete(self):  # type: ignore[override]
        raise AppendOnlyError("the activity log is append-only; add a correcting row instead")


class Activity(models.Model):
    """One row of the append-only activity log (docs/metrics.md#data).

    ``object_type``/``object_id`` point at the domain object the row is about. A row that
    corrects an earlier one (an RSVP changed, an attendance ticked by mistake) names it in
    ``corrects``; the log reader leaves out both the corrected rows, unless asked for all.
    """

    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("network"),
        db_index=False,  # the (network, at) and (network, actor) indexes lead with it
    )
    actor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="activities", verbose_name=_("actor")
    )
    kind = models.CharField(_("kind"), max_length=16)
    target = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target"),
    )
    object_type = models.CharField(_("object type"), max_length=16, blank=True)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8)
    at = models.DateTimeField(_("time"))
    weight = models.FloatField(_("weight"), default=1.0)
    source = models.CharField(_("source"), max_length=40, default="web")
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["network", "at"]),
            models.Index(fields=["network", "actor"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=act.CHANNELS), name="activity_channel"),
            models.CheckConstraint(condition=~Q(kind=""), name="activity_kind_not_empty"),
        ]

    def __str__(self) -> str:
        # No person ids: they would let staff link a row to a pseudonymous member.
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} ({self.channel})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the activity log is append-only; add a correcting row instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise AppendOnlyError("the activity log is append-only; add a correcting row instead")
