"""The membership lifecycle: joining, requests, invitations, leaving, roles, profiles and
claiming imported history.

Every step that starts or ends a membership goes through :func:`.services.join_network` or
:func:`.services.leave_network`, so it writes its ``join`` or ``leave`` row (docs/metrics.md#data)
in the same transaction: an approved request or an accepted invitation is a ``join`` at the
moment of approval or acceptance; a removal is a ``leave``. Asking to join writes no row
(nobody has joined yet). Claiming moves imported history to an account through correcting
rows, never by changing a row of the log.

Names in e-mails and messages go through :func:`.selectors.member_name`; a pseudonymous
member's real name appears nowhere but in their own views.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netweave.core import activity as act
from netweave.core.importers.common import read_table
from netweave.core.importers.errors import ParseError

from . import services
from .models import (
    Activity,
    Attendance,
    Discussion,
    Identity,
    IdentityMode,
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
    RequestStatus,
    Role,
    Sector,
    Visibility,
)
from .selectors import mail_language, member_name

#: How long an invitation link stays valid unless the facilitator says otherwise.
INVITATION_DAYS = 14
#: Most uses one invitation link may allow, and most addresses one list may hold.
MAX_USES = 1000
MAX_LIST = 500
#: How long a link to confirm a claim of imported history stays valid, in seconds.
CLAIM_MAX_AGE = 3 * 86_400
_CLAIM_SALT = "netweave.networks.claim"


def _base_url() -> str:
    return getattr(settings, "NETWEAVE_BASE_URL", "http://localhost:8000").rstrip("/")


def _mail(to: str, lang: str, template: str, context: dict) -> None:
    """Send the text mail ``networks/mail/<template>.txt`` (first line the subject)."""
    if not to:
        return
    with translation.override(lang):
        subject, _sep, body = render_to_string(
            f"networks/mail/{template}.txt", context).strip().partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", None, [to])


def _check_pseudonym(network: Network, pseudonym: str, person: Person) -> None:
    taken = Membership.objects.filter(network=network, pseudonym__iexact=pseudonym).exclude(
        person=person).exists()
    if taken:
        raise ValidationError(_("That pseudonym is taken in this network."))


def _identity(network: Network, identity: str | None, pseudonym: str) -> tuple[str, str]:
    """The identity and pseudonym someone joins with; a pseudonym when one is given and the
    network allows it, the network's rule otherwise."""
    pseudonym = (pseudonym or "").strip()
    if identity is None:
        if network.identity_mode == IdentityMode.PSEUDONYMOUS_ONLY or (
                pseudonym and network.identity_mode == IdentityMode.PSEUDONYMS_ALLOWED):
            identity = Identity.PSEUDONYM
        else:
            identity = Identity.REAL
    if len(pseudonym) > 80:
        raise ValidationError(_("A pseudonym has at most 80 characters."))
    return identity, pseudonym if identity == Identity.PSEUDONYM else ""


def _check_not_member(network: Network, person: Person) -> None:
    if Membership.objects.filter(network=network, person=person, left_at__isnull=True).exists():
        raise ValidationError(_("You are already a member of this network."))


# --- joining and asking to join ------------------------------------------------------------

@transaction.atomic
def join(network: Network, person: Person, *, identity: str | None = None,
         pseudonym: str = "", source: str = "web") -> Membership:
    """Join a public network in one step (a ``join`` row)."""
    if network.visibility != Visibility.PUBLIC:
        raise ValidationError(_("This network is not open to everyone: ask to join, or use "
                                "an invitation."))
    _check_not_member(network, person)
    identity, pseudonym = _identity(network, identity, pseudonym)
    if pseudonym:
        _check_pseudonym(network, pseudonym, person)
    return services.join_network(network, person, identity=identity, pseudonym=pseudonym,
                                 source=source)


def facilitators(network: Network) -> list[Person]:
    """The active facilitators of ``network``."""
    return [m.person for m in Membership.objects.filter(
        network=network, role=Role.FACILITATOR, left_at__isnull=True).select_related("person")]


@transaction.atomic
def request_to_join(network: Network, person: Person, *, message: str = "",
                    identity: str | None = None, pseudonym: str = "") -> JoinRequest:
    """Ask to join a closed network; its facilitators are told by e-mail. No log row yet."""
    if network.visibility != Visibility.CLOSED:
        raise ValidationError(_("Only a closed network takes requests to join."))
    _check_not_member(network, person)
    if JoinRequest.objects.filter(network=network, person=person,
                                  status=RequestStatus.PENDING).exists():
        raise ValidationError(_("You have asked to join already; a facilitator will answer."))
    identity, pseudonym = _identity(network, identity, pseudonym)
    services._check_identity(network, identity, pseudonym)
    if pseudonym:
        _check_pseudonym(network, pseudonym, person)
    if len(message) > 2000:
        raise ValidationError(_("A message has at most 2,000 characters."))
    request = JoinRequest.objects.create(network=network, person=person,
                                         message=message.strip(), identity=identity,
                                         pseudonym=pseudonym)
    link = _base_url() + reverse("members-manage", args=[network.slug])
    shown = pseudonym if identity == Identity.PSEUDONYM else person.name
    for facilitator in facilitators(network):
        _mail(facilitator.email, mail_language(facilitator, network), "request_received",
              {"network": network, "name": shown, "message": request.message, "link": link})
    return request


@transaction.atomic
def decide_request(request: JoinRequest, *, by: Person, approve: bool, answer: str = "",
                   source: str = "web") -> JoinRequest:
    """Approve (the person joins: a ``join`` row) or decline a request; the person is told
    by e-mail, with the facilitator's answer when there is one."""
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has been answered already."))
    network = request.network
    if approve:
        if request.pseudonym:
            _check_pseudonym(network, request.pseudonym, request.person)
        if not Membership.objects.filter(network=network, person=request.person,
                                         left_at__isnull=True).exists():
            services.join_network(network, request.person, identity=request.identity,
                                  pseudonym=request.pseudonym, source=source)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    request.decided_at, request.decided_by = timezone.now(), by
    request.answer = answer.strip()[:2000]
    request.save(update_fields=["status", "decided_at", "decided_by", "answer"])
    link = _base_url() + network.get_absolute_url()
    _mail(request.person.email, mail_language(request.person, network),
          "request_approved" if approve else "request_declined",
          {"network": network, "answer": request.answer, "link": link})
    return request


# --- leaving, removing, roles --------------------------------------------------------------

def _other_facilitators(membership: Membership) -> bool:
    return Membership.objects.filter(network=membership.network_id, role=Role.FACILITATOR,
                                     left_at__isnull=True).exclude(pk=membership.pk).exists()


def _keep_a_facilitator(membership: Membership) -> None:
    if membership.role == Role.FACILITATOR and not _other_facilitators(membership):
        raise ValidationError(_("A network needs a facilitator: appoint another facilitator "
                                "before the last one leaves or steps down."))


@transaction.atomic
def leave(membership: Membership, *, source: str = "web") -> Membership:
    """Leave a network (a ``leave`` row); the last facilitator must hand over first."""
    _keep_a_facilitator(membership)
    return services.leave_network(membership, source=source)


@transaction.atomic
def remove(membership: Membership, *, by: Membership, source: str = "web") -> Membership:
    """A facilitator ends someone else's membership (a ``leave`` row)."""
    if membership.pk == by.pk:
        raise ValidationError(_("To end your own membership, leave the network."))
    if membership.network_id != by.network_id or by.role != Role.FACILITATOR:
        raise ValidationError(_("Only a facilitator of this network removes members."))
    _keep_a_facilitator(membership)
    return services.leave_network(membership, source=source)


@transaction.atomic
def set_role(membership: Membership, role: str) -> Membership:
    """Appoint a co-facilitator, or make a facilitator a member again (never the last)."""
    role = Role(role)
    if not membership.is_active:
        raise ValidationError(_("This membership has ended."))
    if role != Role.FACILITATOR:
        _keep_a_facilitator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# --- the profile in one network ------------------------------------------------------------

def parse_interests(value: str | Iterable[str]) -> list[str]:
    """Interests as a list of distinct, trimmed words or phrases (comma-separated text)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        item = str(item).strip()[:60]
        if item and item.lower() not in {i.lower() for i in out}:
            out.append(item)
    if len(out) > 30:
        raise ValidationError(_("At most 30 interests."))
    return out


@dataclass
class ProfileChange:
    """The fields of a profile to change; ``None`` leaves a field as it is."""

    pseudonym: str | None = None
    identity: str | None = None
    organisation: str | None = None
    sector: str | None = None
    interests: str | list[str] | None = None
    email_language: str | None = None
    digest_frequency: str | None = None


@transaction.atomic
def update_profile(membership: Membership, change: ProfileChange) -> Membership:
    """Change one's profile in one network: how one is shown (a pseudonym, unique in the
    network), organisation, sector, interests, e-mail language and digest frequency."""
    network = membership.network
    fields: list[str] = []
    if change.identity is not None or change.pseudonym is not None:
        identity = change.identity or membership.identity
        pseudonym = (membership.pseudonym if change.pseudonym is None
                     else change.pseudonym).strip()
        if identity == Identity.REAL:
            pseudonym = ""
        if len(pseudonym) > 80:
            raise ValidationError(_("A pseudonym has at most 80 characters."))
        services._check_identity(network, identity, pseudonym)
        if pseudonym:
            _check_pseudonym(network, pseudonym, membership.person)
        membership.identity, membership.pseudonym = identity, pseudonym
        fields += ["identity", "pseudonym"]
    if change.organisation is not None:
        name = change.organisation.strip()[:200]
        org = None
        if name:
            org = (Organisation.objects.filter(name__iexact=name).first()
                   or Organisation.objects.create(name=name, sector=change.sector
                                                  or Sector.OTHER))
        membership.organisation = org
        fields.append("organisation")
    if change.sector is not None:
        if change.sector and change.sector not in Sector.values:
            raise ValidationError(_("Choose one of the sectors."))
        membership.sector = change.sector
        fields.append("sector")
    if change.interests is not None:
        membership.interests = parse_interests(change.interests)
        fields.append("interests")
    for name in ("email_language", "digest_frequency"):
        value = getattr(change, name)
        if value is not None:
            setattr(membership, name, value)
            fields.append(name)
    membership.full_clean(exclude=["network", "person"], validate_unique=False,
                          validate_constraints=False)
    if fields:
        membership.save(update_fields=fields)
    return membership


# --- invitations ---------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    """The absolute address of an invitation's link."""
    return _base_url() + reverse("members-invitation", args=[token])


@dataclass(frozen=True)
class NewInvitation:
    """An invitation and its link's secret: shown or mailed once, never stored."""

    invitation: Invitation
    token: str

    @property
    def link(self) -> str:
        return invitation_link(self.token)


@transaction.atomic
def create_invitation(network: Network, *, by: Person | None, email: str = "",
                      max_uses: int = 1, days: int = INVITATION_DAYS,
                      at: datetime | None = None, send: bool = True) -> NewInvitation:
    """An invitation link; with ``email`` it is mailed there (in the network's language)."""
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(
                _("%(value)s is not an e-mail address.") % {"value": email}) from exc
    if not 1 <= max_uses <= MAX_USES:
        raise ValidationError(_("An invitation is for 1 to %(max)d people.") % {"max": MAX_USES})
    if not 1 <= days <= 365:
        raise ValidationError(_("An invitation is valid for 1 to 365 days."))
    at = at or timezone.now()
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        network=network, digest=_digest(token), email=email, created_by=by, created_at=at,
        expires_at=at + timedelta(days=days), max_uses=max_uses)
    new = NewInvitation(invitation, token)
    if email and send:
        inviter = ""
        if by is not None:
            membership = Membership.objects.filter(network=network, person=by).first()
            inviter = member_name(membership) if membership else ""
        _mail(email, network.language, "invitation",
              {"network": network, "inviter": inviter, "link": new.link,
               "expires_at": invitation.expires_at})
    return new


def read_address_list(raw: bytes, name: str) -> list[str]:
    """The e-mail addresses of a spreadsheet (CSV or XLSX): the column headed e-mail (or the
    first with an address in it), one address a row. Refuses the whole list, naming each bad
    line, when any row holds no valid address."""
    try:
        table = read_table(raw, name)
    except ParseError as exc:
        raise ValidationError(str(exc)) from exc
    rows = [(table.header_line, table.header), *table.rows]
    column = next((i for i, h in enumerate(table.header)
                   if h.strip().lower().replace("-", "").replace(" ", "")
                   in {"email", "emailaddress", "emailadres", "mail", "address", "adres"}),
                  None)
    if column is not None:
        rows = table.rows
    else:
        column = next((i for _line, fields in rows for i, f in enumerate(fields) if "@" in f),
                      None)
        if column is None:
            raise ValidationError(_("%(file)s: no column of e-mail addresses found.")
                                  % {"file": name})
    problems, addresses = [], []
    for line, fields in rows:
        value = fields[column].strip().lower() if column < len(fields) else ""
        try:
            validate_email(value)
        except ValidationError:
            problems.append(_("%(file)s, line %(line)d: “%(value)s” is not an e-mail address.")
                            % {"file": name, "line": line, "value": value[:80]})
            continue
        if value not in addresses:
            addresses.append(value)
    if problems:
        raise ValidationError(problems[:20])
    if not addresses:
        raise ValidationError(_("%(file)s holds no addresses.") % {"file": name})
    if len(addresses) > MAX_LIST:
        raise ValidationError(_("At most %(max)d addresses in one list.") % {"max": MAX_LIST})
    return addresses


@dataclass(frozen=True)
class ListInvited:
    """What inviting a list did: addresses invited, and those skipped as members already."""

    invited: list[str]
    members: list[str]


@transaction.atomic
def invite_list(network: Network, *, by: Person | None, addresses: list[str],
                days: int = INVITATION_DAYS) -> ListInvited:
    """One single-use invitation mailed to each address that is not a member's already."""
    member_emails = {e.lower() for e in Membership.objects.filter(
        network=network, left_at__isnull=True).values_list("person__email", flat=True) if e}
    invited, members = [], []
    for address in addresses:
        if address in member_emails:
            members.append(address)
            continue
        create_invitation(network, by=by, email=address, days=days)
        invited.append(address)
    return ListInvited(invited, members)


@transaction.atomic
def revoke_invitation(invitation: Invitation) -> Invitation:
    """Close an invitation link; people who joined with it stay members."""
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation of a link's secret, whatever its state."""
    return Invitation.objects.select_related("network").filter(digest=_digest(token)).first()


def check_invitation(invitation: Invitation | None, at: datetime | None = None) -> Invitation:
    """``invitation`` when it may still be used; else why not, as a ValidationError."""
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    at = at or timezone.now()
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn."))
    if at >= invitation.expires_at:
        raise ValidationError(_("This invitation has expired: ask for a new one."))
    if invitation.uses >= invitation.max_uses:
        raise ValidationError(_("This invitation has been used up: ask for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(token: str, person: Person, *, identity: str | None = None,
                      pseudonym: str = "", at: datetime | None = None,
                      source: str = "web") -> Membership:
    """Join with an invitation link (a ``join`` row); counts one use of the link."""
    found = find_invitation(token)
    if found is not None:
        found = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation = check_invitation(found, at)
    network = invitation.network
    _check_not_member(network, person)
    identity, pseudonym = _identity(network, identity, pseudonym)
    services._check_identity(network, identity, pseudonym)
    if pseudonym:
        _check_pseudonym(network, pseudonym, person)
    membership = services.join_network(network, person, identity=identity,
                                       pseudonym=pseudonym, at=at, source=source)
    invitation.uses += 1
    invitation.save(update_fields=["uses"])
    JoinRequest.objects.filter(network=network, person=person,
                               status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED, decided_at=membership.joined_at)
    return membership


# --- claiming imported history -------------------------------------------------------------

def claimable(network: Network, account: Person) -> Person | None:
    """The imported person (no account) of ``network`` with ``account``'s e-mail address,
    if there is exactly one; never a person of another network."""
    if not account.email or account.user_id is None:
        return None
    found = list(Person.objects.filter(
        user__isnull=True, email__iexact=account.email, memberships__network=network,
    ).exclude(pk=account.pk).distinct()[:2])
    return found[0] if len(found) == 1 else None


def claim_token(network: Network, account: Person, imported: Person) -> str:
    """A signed token that proves a claim was confirmed from ``account``'s e-mail address."""
    return signing.dumps({"n": network.pk, "a": account.pk, "i": imported.pk}, salt=_CLAIM_SALT)


def offer_claim(network: Network, account: Person) -> bool:
    """E-mail ``account`` a link that links the history an import knew under their address
    in ``network``. True when there was such history."""
    imported = claimable(network, account)
    if imported is None:
        return False
    link = _base_url() + reverse("members-claim-confirm",
                                 args=[claim_token(network, account, imported)])
    _mail(account.email, mail_language(account, network), "claim",
          {"network": network, "link": link})
    return True


def confirm_claim(token: str, account: Person, *, source: str = "web") -> Network:
    """Link the history a claim token names to ``account`` (who must be the claimant)."""
    try:
        data = signing.loads(token, salt=_CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This link has expired: ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid.")) from exc
    if data.get("a") != account.pk:
        raise ValidationError(_("This link was made for another account."))
    network = Network.objects.filter(pk=data.get("n")).first()
    imported = Person.objects.filter(pk=data.get("i"), user__isnull=True).first()
    if network is None or imported is None or claimable(network, account) != imported:
        raise ValidationError(_("There is nothing left to link."))
    link_history(network, imported=imported, account=account, source=source)
    return network


def _move_rows(network: Network, imported: Person, account: Person, source: str) -> int:
    """Re-attribute ``imported``'s effective rows in ``network`` to ``account``: each gets a
    correcting row naming ``account`` in its place (the log itself is never changed)."""
    rows = Activity.objects.filter(network=network).filter(
        Q(actor=imported) | Q(target=imported)).exclude(kind=act.VOID).exclude(
        pk__in=Activity.objects.filter(corrects__isnull=False).values("corrects_id"))
    new = []
    for row in rows.order_by("pk"):
        actor = account.pk if row.actor_id == imported.pk else row.actor_id
        target = account.pk if row.target_id == imported.pk else row.target_id
        if actor == target:  # an interaction with oneself is no tie: retract it
            new.append(Activity(network=network, actor_id=row.actor_id, kind=act.VOID,
                                target_id=row.target_id, object_type=row.object_type,
                                object_id=row.object_id, channel=row.channel, at=row.at,
                                weight=0.0, source=source, corrects=row))
            continue
        new.append(Activity(network=network, actor_id=actor, kind=row.kind, target_id=target,
                            object_type=row.object_type, object_id=row.object_id,
                            channel=row.channel, at=row.at, weight=row.weight, source=source,
                            corrects=row))
    Activity.objects.bulk_create(new, batch_size=1000)
    return len(new)


@transaction.atomic
def link_history(network: Network, *, imported: Person, account: Person,
                 source: str = "web") -> int:
    """Make what ``imported`` (a person without an account) did in ``network`` the history
    of ``account``: the membership, events answered and attended, posts, reactions, offers
    and needs of this network move over, and the log gets correcting rows. Nothing of another
    network moves. Returns the number of log rows re-attributed."""
    if imported.user_id is not None:
        raise ValidationError(_("Only imported history (a person without an account) can be "
                                "linked."))
    if imported.pk == account.pk:
        raise ValidationError(_("This is the same person."))
    old = Membership.objects.filter(network=network, person=imported).first()
    if old is None:
        raise ValidationError(_("This person has no history in this network."))
    moved = _move_rows(network, imported, account, source)
    mine = Membership.objects.filter(network=network, person=account).first()
    if mine is None:
        old.person = account
        old.save(update_fields=["person"])
    else:
        if old.joined_at < mine.joined_at:
            mine.joined_at = old.joined_at
            mine.save(update_fields=["joined_at"])
        old.delete()
    mine_events = set(Registration.objects.filter(person=account, event__network=network)
                      .values_list("event_id", flat=True))
    Registration.objects.filter(person=imported, event__network=network).exclude(
        event_id__in=mine_events).update(person=account)
    attended = set(Attendance.objects.filter(person=account, event__network=network)
                   .values_list("event_id", flat=True))
    Attendance.objects.filter(person=imported, event__network=network).exclude(
        event_id__in=attended).update(person=account)
    Discussion.objects.filter(author=imported, network=network).update(author=account)
    Post.objects.filter(author=imported, discussion__network=network).update(author=account)
    Reaction.objects.filter(person=imported, post__discussion__network=network).exclude(
        post__reactions__person=account).update(person=account)
    Offer.objects.filter(person=imported, network=network).update(person=account)
    Need.objects.filter(person=imported, network=network).update(person=account)
    return moved
