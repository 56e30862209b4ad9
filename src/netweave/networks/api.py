"""Membership in the REST API, under ``/api/members/``: what the pages do, the same rules.

* ``GET /n/{slug}/me``: my membership, pending request, and whether I may join or ask;
* ``POST /n/{slug}/join``: join a public network, or ask to join a closed one;
* ``POST /n/{slug}/leave``; ``GET/PUT /n/{slug}/profile``: my profile in the network;
* facilitators: ``GET /n/{slug}/requests``, ``POST /n/{slug}/requests/{id}/decide``,
  ``GET /n/{slug}/members``, ``POST /n/{slug}/members/{id}/remove``,
  ``POST /n/{slug}/members/{id}/role``, ``GET/POST /n/{slug}/invitations``,
  ``POST /n/{slug}/invitations/{id}/revoke``, ``POST /n/{slug}/link-history``;
* ``POST /invitations/accept``: join with an invitation link's token;
* ``GET /claims``, ``POST /n/{slug}/claim``, ``POST /claims/confirm``: imported history.

Members are referred to by their membership's number in that network, never by a person's
number; names are those the network shows (pseudonyms where used).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Answer

from netweave.networks.apikit import ErrorOut, bad_request, network_access, refused

from . import membership_selectors as selectors
from . import membership_services as services
from .models import Invitation, JoinRequest, Membership
from .permissions import Access, Capability
from .selectors import member_name, person_of

PREFIX = "/members"
router = Router(tags=["members"])


class MembershipOut(Schema):
    id: int
    name: str
    role: str
    shown_as: Literal["real", "pseudonym"]
    joined_at: datetime


class StateOut(Schema):
    member: MembershipOut | None
    request_pending: bool
    can_join: bool
    can_request: bool
    last_facilitator: bool


class JoinIn(Schema):
    pseudonym: str = ""
    message: str = ""


class JoinOut(Schema):
    status: Literal["joined", "requested"]
    member: MembershipOut | None = None


class RequestOut(Schema):
    id: int
    name: str
    message: str
    created_at: datetime


class DecisionIn(Schema):
    approve: bool
    answer: str = ""


class DecisionOut(Schema):
    id: int
    status: str


class RoleIn(Schema):
    role: Literal["facilitator", "member", "observer"]


class InvitationIn(Schema):
    email: str = ""
    max_uses: int = 1
    days: int = services.INVITATION_DAYS


class InvitationOut(Schema):
    id: int
    email: str
    max_uses: int
    uses: int
    expires_at: datetime
    state: Literal["open", "revoked", "expired", "used"]
    link: str | None = None


class AcceptIn(Schema):
    token: str
    pseudonym: str = ""


class ProfileOut(Schema):
    name: str
    shown_as: Literal["real", "pseudonym"]
    pseudonym: str
    organisation: str
    sector: str
    interests: list[str]
    email_language: str
    digest_frequency: str


class ProfileIn(Schema):
    shown_as: Literal["real", "pseudonym"] | None = None
    pseudonym: str | None = None
    organisation: str | None = None
    sector: str | None = None
    interests: list[str] | None = None
    email_language: Literal["", "en", "nl"] | None = None
    digest_frequency: Literal["", "daily", "weekly", "off"] | None = None


class NetworkRef(Schema):
    slug: str
    name: str


class ConfirmIn(Schema):
    token: str


class LinkIn(Schema):
    imported: int
    member: int


class LinkOut(Schema):
    rows: int


def _me(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise HttpError(403, _("This needs an account with a profile."))
    return person


def _membership_out(m: Membership) -> dict:
    return {"id": m.pk, "name": member_name(m), "role": m.role, "shown_as": m.identity,
            "joined_at": m.joined_at}


def _invitation_out(invitation: Invitation, link: str | None = None) -> dict:
    return {"id": invitation.pk, "email": invitation.email, "max_uses": invitation.max_uses,
            "uses": invitation.uses, "expires_at": invitation.expires_at,
            "state": selectors.invitation_state(invitation), "link": link}


def _member(access: Access, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, network=access.network,
                             left_at__isnull=True)


@router.get("/n/{slug}/me", response=StateOut, summary="My membership in a network")
def my_state(request: HttpRequest, slug: str) -> dict:
    access = network_access(request, slug, Capability.SEE_CHARTER)
    state = selectors.join_state(access.network, access.person)
    return {"member": _membership_out(state.membership) if state.membership else None,
            "request_pending": state.pending is not None, "can_join": state.can_join,
            "can_request": state.can_request, "last_facilitator": state.is_last_facilitator}


@router.post("/n/{slug}/join", response={201: JoinOut, 202: JoinOut, 400: ErrorOut},
             summary="Join a public network, or ask to join a closed one")
def join(request: HttpRequest, slug: str, data: JoinIn) -> Answer:
    access = network_access(request, slug, Capability.SEE_CHARTER)
    person = _me(request)
    try:
        if selectors.join_state(access.network, person).can_request:
            services.request_to_join(access.network, person, message=data.message,
                                     pseudonym=data.pseudonym)
            return Answer(202, {"status": "requested"})
        membership = services.join(access.network, person, pseudonym=data.pseudonym,
                                   source="api")
    except ValidationError as error:
        raise bad_request(error) from error
    return Answer(201, {"status": "joined", "member": _membership_out(membership)})


@router.post("/n/{slug}/leave", response={200: MembershipOut, 400: ErrorOut},
             summary="Leave a network")
def leave(request: HttpRequest, slug: str) -> dict:
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    if access.membership is None:
        raise Http404
    try:
        return _membership_out(services.leave(access.membership, source="api"))
    except ValidationError as error:
        raise bad_request(error) from error


def _profile_out(m: Membership) -> dict:
    return {"name": member_name(m), "shown_as": m.identity, "pseudonym": m.pseudonym,
            "organisation": m.organisation.name if m.organisation else "",
            "sector": m.sector, "interests": list(m.interests or []),
            "email_language": m.email_language, "digest_frequency": m.digest_frequency}


@router.get("/n/{slug}/profile", response=ProfileOut, summary="My profile in a network")
def get_profile(request: HttpRequest, slug: str) -> dict:
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    if access.membership is None:
        raise Http404
    return _profile_out(access.membership)


@router.put("/n/{slug}/profile", response={200: ProfileOut, 400: ErrorOut},
            summary="Change my profile in a network")
def put_profile(request: HttpRequest, slug: str, data: ProfileIn) -> dict:
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    if access.membership is None:
        raise Http404
    change = services.ProfileChange(
        identity=data.shown_as, pseudonym=data.pseudonym, organisation=data.organisation,
        sector=data.sector, interests=data.interests, email_language=data.email_language,
        digest_frequency=data.digest_frequency)
    try:
        return _profile_out(services.update_profile(access.membership, change))
    except ValidationError as error:
        raise bad_request(error) from error


# --- facilitators ---------------------------------------------------------------------------

@router.get("/n/{slug}/requests", response=list[RequestOut],
            summary="Requests to join waiting for an answer (facilitators)")
def requests(request: HttpRequest, slug: str) -> list:
    access = network_access(request, slug, Capability.FACILITATE)
    return [{"id": r.pk, "name": selectors.request_name(r), "message": r.message,
             "created_at": r.created_at} for r in selectors.pending_requests(access.network)]


@router.post("/n/{slug}/requests/{request_id}/decide",
             response={200: DecisionOut, 400: ErrorOut, 403: ErrorOut},
             summary="Approve or decline a request to join (facilitators)")
def decide(request: HttpRequest, slug: str, request_id: int, data: DecisionIn) -> dict:
    access = network_access(request, slug, Capability.FACILITATE)
    join_request = get_object_or_404(JoinRequest, pk=request_id, network=access.network)
    try:
        done = services.decide_request(join_request, by=access.person, approve=data.approve,
                                       answer=data.answer, source="api")
    except ValidationError as error:
        raise bad_request(error) from error
    return {"id": done.pk, "status": done.status}


@router.get("/n/{slug}/members", response=list[MembershipOut],
            summary="Active members (facilitators)")
def member_list(request: HttpRequest, slug: str) -> list:
    access = network_access(request, slug, Capability.FACILITATE)
    return [_membership_out(m) for m in Membership.objects.filter(
        network=access.network, left_at__isnull=True).select_related("person")
        .order_by("joined_at", "pk")]


@router.post("/n/{slug}/members/{membership_id}/remove",
             response={200: MembershipOut, 400: ErrorOut, 403: ErrorOut},
             summary="Remove a member (facilitators)")
def remove(request: HttpRequest, slug: str, membership_id: int) -> dict:
    access = network_access(request, slug, Capability.FACILITATE)
    membership = _member(access, membership_id)
    if access.membership is None:
        raise refused()
    try:
        return _membership_out(services.remove(membership, by=access.membership,
                                               source="api"))
    except ValidationError as error:
        raise bad_request(error) from error


@router.post("/n/{slug}/members/{membership_id}/role",
             response={200: MembershipOut, 400: ErrorOut, 403: ErrorOut},
             summary="Appoint a co-facilitator, or change a role (facilitators)")
def set_role(request: HttpRequest, slug: str, membership_id: int, data: RoleIn) -> dict:
    access = network_access(request, slug, Capability.FACILITATE)
    try:
        return _membership_out(services.set_role(_member(access, membership_id), data.role))
    except ValidationError as error:
        raise bad_request(error) from error


@router.get("/n/{slug}/invitations", response=list[InvitationOut],
            summary="A network's invitations (facilitators)")
def invitation_list(request: HttpRequest, slug: str) -> list:
    access = network_access(request, slug, Capability.FACILITATE)
    return [_invitation_out(i) for i in selectors.invitations(access.network)]


@router.post("/n/{slug}/invitations", response={201: InvitationOut, 400: ErrorOut,
                                                  403: ErrorOut},
             summary="Invite: mailed to an address, or a link to share (shown only now)")
def invite(request: HttpRequest, slug: str, data: InvitationIn) -> Answer:
    access = network_access(request, slug, Capability.FACILITATE)
    try:
        new = services.create_invitation(access.network, by=access.person, email=data.email,
                                         max_uses=data.max_uses, days=data.days)
    except ValidationError as error:
        raise bad_request(error) from error
    return Answer(201, _invitation_out(new.invitation, new.link))


@router.post("/n/{slug}/invitations/{invitation_id}/revoke",
             response={200: InvitationOut, 403: ErrorOut},
             summary="Withdraw an invitation (facilitators)")
def revoke(request: HttpRequest, slug: str, invitation_id: int) -> dict:
    access = network_access(request, slug, Capability.FACILITATE)
    invitation = get_object_or_404(Invitation, pk=invitation_id, network=access.network)
    return _invitation_out(services.revoke_invitation(invitation))


@router.post("/n/{slug}/link-history", response={200: LinkOut, 400: ErrorOut, 403: ErrorOut},
             summary="Link imported history to a member's account (facilitators)")
def link_history(request: HttpRequest, slug: str, data: LinkIn) -> dict:
    access = network_access(request, slug, Capability.FACILITATE)
    imported = get_object_or_404(Membership, pk=data.imported, network=access.network,
                                 person__user__isnull=True)
    member = get_object_or_404(Membership, pk=data.member, network=access.network,
                               person__user__isnull=False)
    try:
        rows = services.link_history(access.network, imported=imported.person,
                                     account=member.person, source="api")
    except ValidationError as error:
        raise bad_request(error) from error
    return {"rows": rows}


# --- invitations and claims -----------------------------------------------------------------

@router.post("/invitations/accept", response={201: MembershipOut, 400: ErrorOut},
             summary="Join with an invitation link's token")
def accept(request: HttpRequest, data: AcceptIn) -> Answer:
    person = _me(request)
    try:
        membership = services.accept_invitation(data.token, person, pseudonym=data.pseudonym,
                                                source="api")
    except ValidationError as error:
        raise bad_request(error) from error
    return Answer(201, _membership_out(membership))


@router.get("/claims", response=list[NetworkRef],
            summary="Networks whose imports knew my e-mail address")
def claims(request: HttpRequest) -> list:
    return [{"slug": n.slug, "name": n.name}
            for n in selectors.claim_offers(person_of(request.user))]


@router.post("/n/{slug}/claim", response={202: NetworkRef, 400: ErrorOut},
             summary="Mail me the link that links my imported history in this network")
def claim(request: HttpRequest, slug: str) -> Answer:
    access = network_access(request, slug, Capability.SEE_CHARTER)
    if not services.offer_claim(access.network, _me(request)):
        raise bad_request(ValidationError(_("There is no history to link in this network.")))
    return Answer(202, {"slug": access.network.slug, "name": access.network.name})


@router.post("/claims/confirm", response={200: NetworkRef, 400: ErrorOut},
             summary="Link imported history with the token from the e-mail")
def confirm(request: HttpRequest, data: ConfirmIn) -> dict:
    try:
        network = services.confirm_claim(data.token, _me(request), source="api")
    except ValidationError as error:
        raise bad_request(error) from error
    return {"slug": network.slug, "name": network.name}
