"""Weave's REST API, under ``/api/weave/``: offers and needs, suggestions, introductions.

* ``GET/POST /{slug}/offers``, ``GET/POST /{slug}/needs``: the network's open offers or
  needs (``mine=true``: only mine, open and fulfilled), and adding one;
* ``GET /{slug}/suggestions``: people I should meet, with reasons and the signals that count
  (no score: members never see one);
* ``GET /{slug}/network-suggestions``: suggested introductions network-wide (facilitators);
* ``POST /{slug}/introductions``: make an introduction (e-mail to both);
* ``POST /{slug}/introductions/{id}/answer``: the follow-up ("did you meet?", "valuable?");
* ``GET/POST /{slug}/stories``: the network's value stories (anyone who sees its contents),
  and telling one with the meetings, introductions and offers that led to it (members).

Names are those the network shows (pseudonyms where used); people are given and taken by
their reference in the network (``person``, ``person_a``, ...), never by a global id. A
network the user may not see is a 404; one they may see but not act in is a 403. Bad input
is a 400 that says why and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Answer

from netweave.networks.apikit import ErrorOut, network_access
from netweave.networks.models import Introduction, Need, Offer, Person, Status
from netweave.networks.permissions import Access, Capability
from netweave.networks.selectors import person_id_for_ref, person_ref, person_refs

from . import selectors, services

router = Router(tags=["weave"])
PREFIX = "/weave"

MAX_TOP = 50




class ItemIn(Schema):
    text: str
    tags: list[str] = []
    everywhere: bool = False


class ItemOut(Schema):
    id: int
    person: str = Field(description="a person's reference in this network")
    name: str
    text: str
    tags: list[str]
    status: Literal["open", "fulfilled"]
    everywhere: bool
    created_at: datetime


class ItemQuery(Schema):
    mine: bool = False


class PartOut(Schema):
    signal: str
    label: str
    points: float


class SuggestionOut(Schema):
    person_a: str = Field(description="a person's reference in this network")
    name_a: str
    person_b: str = Field(description="a person's reference in this network")
    name_b: str
    score: float
    reasons: list[str]
    breakdown: list[PartOut]


class MemberSuggestionOut(Schema):
    person_a: str = Field(description="a person's reference in this network")
    name_a: str
    person_b: str = Field(description="a person's reference in this network")
    name_b: str
    reasons: list[str]
    signals: list[str] = Field(description="the signals that count for this suggestion "
                                           "(no points: members never see a score)")


class TopQuery(Schema):
    top: int = 5


class IntroductionIn(Schema):
    person_a: str = Field(description="a person's reference in this network")
    person_b: str = Field(description="a person's reference in this network")
    reasons: str = ""


class IntroductionOut(Schema):
    id: int
    person_a: str = Field(description="a person's reference in this network")
    person_b: str = Field(description="a person's reference in this network")
    introducer: str = Field(description="a person's reference in this network")
    created_at: datetime


class AnswerIn(Schema):
    met: bool
    valuable: bool | None = None


class AnswerOut(Schema):
    introduction: int
    met: bool
    valuable: bool | None
    exchange: int | None


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


def _bad(error: ValidationError) -> Answer:
    return Answer(400, {"detail": " ".join(error.messages)})


def _items(access: Access, model: type[Offer] | type[Need], mine: bool) -> list[ItemOut]:
    names = selectors.member_names(access.network)
    if mine:
        qs = (selectors.my_offers if model is Offer else selectors.my_needs)(
            access.network, access.person)
    else:
        qs = (model.objects.filter(person_id__in=list(names), status=Status.OPEN)
              .filter(Q(network=access.network) | Q(network__isnull=True))
              .order_by("-created_at", "-pk"))
    return [_item(access, i, names) for i in qs]


def _item(access: Access, i: Offer | Need, names: dict[int, str]) -> ItemOut:
    return ItemOut(id=i.pk, person=person_ref(access.network, i.person_id),
                   name=names.get(i.person_id, ""), text=i.text,
                   tags=list(i.tags or []), status=i.status, everywhere=i.network_id is None,
                   created_at=i.created_at)


def _add(request: HttpRequest, slug: str, body: ItemIn, kind: str):
    access = network_access(request, slug, Capability.TAKE_PART)
    add = services.add_offer if kind == "offer" else services.add_need
    try:
        item = add(access.network, access.person, body.text, body.tags,
                   everywhere=body.everywhere, source="api")
    except ValidationError as e:
        return _bad(e)
    return Answer(201, _item(access, item, selectors.member_names(access.network)))


@router.get("/{slug}/offers", response={200: list[ItemOut], 403: ErrorOut, 404: ErrorOut},
            summary="Open offers in a network (or all of mine)")
def list_offers(request: HttpRequest, slug: str, params: Query[ItemQuery]):
    access = network_access(request, slug, Capability.TAKE_PART)
    return Answer(200, _items(access, Offer, params.mine))


@router.post("/{slug}/offers",
             response={201: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Add what I offer")
def add_offer(request: HttpRequest, slug: str, body: ItemIn):
    return _add(request, slug, body, "offer")


@router.get("/{slug}/needs", response={200: list[ItemOut], 403: ErrorOut, 404: ErrorOut},
            summary="Open needs in a network (or all of mine)")
def list_needs(request: HttpRequest, slug: str, params: Query[ItemQuery]):
    access = network_access(request, slug, Capability.TAKE_PART)
    return Answer(200, _items(access, Need, params.mine))


@router.post("/{slug}/needs",
             response={201: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Add what I seek")
def add_need(request: HttpRequest, slug: str, body: ItemIn):
    return _add(request, slug, body, "need")


def _suggestion(row: selectors.SuggestionRow) -> SuggestionOut:
    return SuggestionOut(person_a=row.person_a, name_a=row.name_a, person_b=row.person_b,
                         name_b=row.name_b, score=row.score, reasons=row.reasons,
                         breakdown=[PartOut(signal=p.key, label=p.label, points=p.value)
                                    for p in row.parts])


@router.get("/{slug}/suggestions",
            response={200: list[MemberSuggestionOut], 403: ErrorOut, 404: ErrorOut},
            summary="People I should meet, with reasons")
def suggestions(request: HttpRequest, slug: str, params: Query[TopQuery]):
    access = network_access(request, slug, Capability.TAKE_PART)
    if access.person.introductions_opt_out:
        return Answer(200, [])
    top = max(1, min(MAX_TOP, params.top))
    return Answer(200, [MemberSuggestionOut(person_a=r.person_a, name_a=r.name_a,
                                            person_b=r.person_b, name_b=r.name_b,
                                            reasons=r.reasons, signals=[p.key for p in r.parts])
                        for r in selectors.suggestions_for(access.network, access.person,
                                                           _lang(), k=top)])


@router.get("/{slug}/network-suggestions",
            response={200: list[SuggestionOut], 403: ErrorOut, 404: ErrorOut},
            summary="Suggested introductions network-wide, by expected benefit (facilitators)")
def network_suggestions(request: HttpRequest, slug: str, params: Query[TopQuery]):
    access = network_access(request, slug, Capability.FACILITATE)
    limit = max(1, min(MAX_TOP, params.top))
    return Answer(200, [_suggestion(r) for r in
                        selectors.network_suggestions(access.network, _lang(), limit=limit)])


def _member(access: Access, ref: str) -> Person:
    person_id = person_id_for_ref(access.network, ref)
    if person_id is None or person_id not in selectors.member_names(access.network):
        raise ValidationError(_("No member %(ref)s in this network.") % {"ref": ref})
    return Person.objects.get(pk=person_id)


@router.post("/{slug}/introductions",
             response={201: IntroductionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Introduce two members to each other (e-mail to both)")
def introduce(request: HttpRequest, slug: str, body: IntroductionIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    try:
        intro = services.make_introduction(
            access.network, access.person, _member(access, body.person_a),
            _member(access, body.person_b), body.reasons, source="api",
            link=request.build_absolute_uri(reverse("weaving-home", args=[slug])))
    except ValidationError as e:
        return _bad(e)
    except PermissionDenied as e:
        raise HttpError(403, str(e)) from e
    refs = person_refs(access.network, [intro.person_a_id, intro.person_b_id,
                                        intro.introducer_id])
    return Answer(201, IntroductionOut(id=intro.pk, person_a=refs[intro.person_a_id],
                                       person_b=refs[intro.person_b_id],
                                       introducer=refs[intro.introducer_id],
                                       created_at=intro.created_at))


@router.post("/{slug}/introductions/{introduction_id}/answer",
             response={201: AnswerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Answer the follow-up of my introduction")
def answer(request: HttpRequest, slug: str, introduction_id: int, body: AnswerIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    intro = (Introduction.objects.filter(pk=introduction_id, network=access.network)
             .filter(Q(person_a=access.person) | Q(person_b=access.person)).first())
    if intro is None:
        raise HttpError(404, _("No such introduction of yours in this network."))
    try:
        a = services.answer_follow_up(intro, access.person, met=body.met,
                                      valuable=body.valuable, source="api")
    except ValidationError as e:
        return _bad(e)
    return Answer(201, AnswerOut(introduction=intro.pk, met=a.met, valuable=a.valuable,
                                 exchange=a.exchange_id))


class StoryIn(Schema):
    title: str
    text: str
    cycle: Literal["immediate", "potential", "applied", "realised", "reframing"]
    events: list[int] = Field(default=[], description="ids of the network's meetings")
    introductions: list[int] = Field(default=[], description="ids of my introductions")
    offers: list[int] = Field(default=[], description="ids of offers in the network")


class StoryOut(Schema):
    id: int
    author: str = Field(description="a person's reference in this network")
    name: str
    title: str
    text: str
    cycle: str
    created_at: datetime
    events: list[int]
    introductions: list[int]
    offers: list[int]


def _story(row: selectors.StoryRow) -> StoryOut:
    return StoryOut(id=row.id, author=row.author, name=row.name, title=row.title,
                    text=row.text, cycle=row.cycle, created_at=row.created_at,
                    events=row.events, introductions=row.introductions, offers=row.offers)


@router.get("/{slug}/stories", response={200: list[StoryOut], 403: ErrorOut, 404: ErrorOut},
            summary="The network's value stories, newest first")
def list_stories(request: HttpRequest, slug: str):
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    return Answer(200, [_story(r) for r in selectors.network_stories(access.network)])


@router.post("/{slug}/stories",
             response={201: StoryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Tell a value story, with the meetings, introductions and offers that "
                     "led to it")
def tell_story(request: HttpRequest, slug: str, body: StoryIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    try:
        story = services.tell_story(access.network, access.person, title=body.title,
                                    text=body.text, cycle=body.cycle, events=body.events,
                                    introductions=body.introductions, offers=body.offers,
                                    source="api")
    except ValidationError as e:
        return _bad(e)
    return Answer(201, _story(selectors.network_stories(access.network, ids=[story.pk])[0]))
