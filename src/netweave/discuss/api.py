"""REST API of the discussions, the digest choice and warmth between meetings.

Reading needs SEE_CONTENTS, writing TAKE_PART, the between-meetings figures FACILITATE
(:mod:`netweave.networks.permissions`); a secret network is a 404 to outsiders. Names are
the ones the network shows (pseudonyms where used).

The private conversation after an introduction (``/n/{slug}/conversations/{introduction}``)
is read and written by the two people introduced only: anyone else, facilitators and staff
included, gets a 404.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from netweave.networks.apikit import ErrorOut, bad_request, network_access
from netweave.networks.models import Discussion, Post
from netweave.networks.permissions import Access, Capability
from netweave.networks.selectors import person_of

from . import selectors, services
from .models import Frequency

PREFIX = "/discuss"
router = Router(tags=["discussions"])


class TopicOut(Schema):
    id: int
    title: str
    author: str
    is_question: bool
    answered: bool
    replies: int
    created_at: datetime
    last_at: datetime
    following: bool


class ReactionOut(Schema):
    emoji: str
    count: int
    mine: bool


class PostOut(Schema):
    id: int
    parent: int | None
    author: str
    body: str
    html: str
    created_at: datetime
    accepted: bool
    reactions: list[ReactionOut]


class TopicDetailOut(Schema):
    id: int
    title: str
    author: str
    is_question: bool
    accepted_answer: int | None
    following: bool
    posts: list[PostOut]


class TopicIn(Schema):
    title: str
    body: str
    is_question: bool = False


class ReplyIn(Schema):
    body: str
    parent: int | None = None


class ReactionIn(Schema):
    emoji: str


class AcceptIn(Schema):
    post: int


class FollowIn(Schema):
    following: bool


class FollowOut(Schema):
    topic: int
    following: bool


class DigestPreferenceIn(Schema):
    frequency: Frequency


class DigestPreferenceOut(Schema):
    frequency: Frequency


class BetweenMeetingsOut(Schema):
    at: datetime
    days_since_last_online_activity: float | None
    last_meeting_at: datetime | None
    last_meeting_events: list[str]
    gap_weeks: int
    gap_weeks_covered: int
    gap_coverage: float | None
    last_meeting_attendees: int
    quiet_since_last_meeting: list[str]




def _topic(access: Access, topic_id: int) -> Discussion:
    discussion = selectors.discussion_in(access.network, topic_id)
    if discussion is None:
        raise HttpError(404, "No such topic in this network.")
    return discussion


def _post(access: Access, post_id: int) -> Post:
    post = selectors.post_in(access.network, post_id)
    if post is None:
        raise HttpError(404, "No such post in this network.")
    return post


def _detail(discussion: Discussion, access: Access) -> TopicDetailOut:
    page = selectors.topic_page(discussion, access.person)
    return TopicDetailOut(
        id=discussion.pk, title=discussion.title, author=page.author,
        is_question=discussion.is_question, accepted_answer=discussion.accepted_answer_id,
        following=page.following,
        posts=[PostOut(id=n.id, parent=n.parent_id, author=n.author, body=n.body,
                       html=n.body_html, created_at=n.created_at, accepted=n.accepted,
                       reactions=[ReactionOut(emoji=r.emoji, count=r.count, mine=r.mine)
                                  for r in n.reactions])
               for n in page.nodes])


@router.get("/n/{slug}/topics", response={200: list[TopicOut], 403: ErrorOut, 404: ErrorOut},
            summary="The network's topics, most recently active first")
def list_topics(request: HttpRequest, slug: str):
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    services.seen(access.person if access.membership else None, access.network)
    return [TopicOut(**row.__dict__) for row in
            selectors.topic_rows(access.network, access.person)]


@router.get("/n/{slug}/topics/{topic_id}", response={200: TopicDetailOut, 403: ErrorOut,
                                                     404: ErrorOut},
            summary="A topic with all its posts (parent links give the thread)")
def read_topic(request: HttpRequest, slug: str, topic_id: int):
    access = network_access(request, slug, Capability.SEE_CONTENTS)
    services.seen(access.person if access.membership else None, access.network)
    return _detail(_topic(access, topic_id), access)


@router.post("/n/{slug}/topics", response={201: TopicDetailOut, 400: ErrorOut, 403: ErrorOut,
                                        404: ErrorOut},
             summary="Open a topic or ask a question")
def post_topic(request: HttpRequest, slug: str, data: TopicIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    try:
        discussion = services.start_topic(access.network, access.person, title=data.title,
                                          body=data.body, is_question=data.is_question,
                                          source="api")
    except ValidationError as exc:
        raise bad_request(exc) from exc
    return Status(201, _detail(discussion, access))


@router.post("/n/{slug}/topics/{topic_id}/replies",
             response={201: PostOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Reply to a topic's opening post, or to the post named as parent")
def post_reply(request: HttpRequest, slug: str, topic_id: int, data: ReplyIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    discussion = _topic(access, topic_id)
    parent = _post(access, data.parent) if data.parent is not None else None
    try:
        post = services.reply(discussion, access.person, data.body, parent=parent,
                              source="api")
    except ValidationError as exc:
        raise bad_request(exc) from exc
    node = selectors.post_node(post, access.person)
    return Status(201, PostOut(id=node.id, parent=node.parent_id, author=node.author,
                               body=node.body, html=node.body_html, created_at=node.created_at,
                               accepted=node.accepted, reactions=[]))


@router.post("/n/{slug}/posts/{post_id}/reactions",
             response={200: list[ReactionOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="React to a post; returns the post's reactions")
def react(request: HttpRequest, slug: str, post_id: int, data: ReactionIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    post = _post(access, post_id)
    try:
        services.react(post, access.person, data.emoji, source="api")
    except ValidationError as exc:
        raise bad_request(exc) from exc
    node = selectors.post_node(post, access.person)
    return [ReactionOut(emoji=r.emoji, count=r.count, mine=r.mine) for r in node.reactions]


@router.post("/n/{slug}/topics/{topic_id}/accept",
             response={200: TopicDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Accept a reply as the answer to a question (asker or facilitator)")
def accept(request: HttpRequest, slug: str, topic_id: int, data: AcceptIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    discussion = _topic(access, topic_id)
    post = _post(access, data.post)
    try:
        services.accept_answer(discussion, post, by=access.person,
                               facilitator=access.is_facilitator)
    except ValidationError as exc:
        raise bad_request(exc) from exc
    return _detail(discussion, access)


@router.put("/n/{slug}/topics/{topic_id}/follow",
            response={200: FollowOut, 403: ErrorOut, 404: ErrorOut},
            summary="Follow or unfollow a topic")
def set_follow(request: HttpRequest, slug: str, topic_id: int, data: FollowIn):
    access = network_access(request, slug, Capability.TAKE_PART)
    discussion = _topic(access, topic_id)
    if data.following:
        services.follow(discussion, access.person)
    else:
        services.unfollow(discussion, access.person)
    return FollowOut(topic=discussion.pk, following=data.following)


@router.get("/n/{slug}/between-meetings", response={200: BetweenMeetingsOut, 403: ErrorOut,
                                                            404: ErrorOut},
            summary="Warmth since the last meeting (docs/metrics.md#warmth), for facilitators")
def between_meetings(request: HttpRequest, slug: str):
    access = network_access(request, slug, Capability.FACILITATE)
    f = selectors.between_meetings(access.network)
    return BetweenMeetingsOut(
        at=f.at, days_since_last_online_activity=f.days_since_last_online,
        last_meeting_at=f.last_meeting_at, last_meeting_events=f.last_meeting_events,
        gap_weeks=f.gap_weeks, gap_weeks_covered=f.gap_weeks_covered,
        gap_coverage=f.gap_coverage, last_meeting_attendees=f.last_meeting_attendees,
        quiet_since_last_meeting=f.quiet)


def _me(request: HttpRequest):
    person = person_of(request.user)
    if person is None:
        raise HttpError(404, "Your account has no profile.")
    return person


@router.get("/digest/preference", response={200: DigestPreferenceOut, 404: ErrorOut},
            summary="How often you get the digest e-mail")
def get_digest_preference(request: HttpRequest):
    return DigestPreferenceOut(frequency=selectors.frequency_of(_me(request)))


@router.put("/digest/preference", response={200: DigestPreferenceOut, 404: ErrorOut},
            summary="Choose the digest e-mail: daily, weekly or off")
def put_digest_preference(request: HttpRequest, data: DigestPreferenceIn):
    pref = services.set_digest(_me(request), data.frequency)
    return DigestPreferenceOut(frequency=pref.frequency)


class MessageOut(Schema):
    mine: bool
    author: str
    body: str
    created_at: datetime


class ConversationOut(Schema):
    introduction: int
    other: str
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str


def _conversation(request: HttpRequest, slug: str, introduction_id: int):
    access = network_access(request, slug, Capability.TAKE_PART)
    intro = selectors.my_introduction(access.network, introduction_id, access.person)
    if intro is None:
        raise HttpError(404, _("No such introduction of yours in this network."))
    return access, intro


def _conversation_out(page: selectors.ConversationPage) -> ConversationOut:
    return ConversationOut(introduction=page.introduction.pk, other=page.other, messages=[
        MessageOut(mine=m.mine, author=m.name, body=m.body, created_at=m.created_at)
        for m in page.messages])


@router.get("/n/{slug}/conversations/{introduction_id}",
            response={200: ConversationOut, 403: ErrorOut, 404: ErrorOut},
            summary="The private conversation after my introduction (only the two of us)")
def read_conversation(request: HttpRequest, slug: str, introduction_id: int):
    access, intro = _conversation(request, slug, introduction_id)
    return Status(200, _conversation_out(selectors.conversation_page(intro, access.person)))


@router.post("/n/{slug}/conversations/{introduction_id}/messages",
             response={201: ConversationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Write in the private conversation after my introduction")
def send_message(request: HttpRequest, slug: str, introduction_id: int, data: MessageIn):
    access, intro = _conversation(request, slug, introduction_id)
    link = request.build_absolute_uri(reverse("discuss-conversation",
                                              args=[slug, introduction_id]))
    try:
        services.send_private_message(intro, access.person, data.body, link=link)
    except ValidationError as exc:
        raise bad_request(exc) from exc
    return Status(201, _conversation_out(selectors.conversation_page(intro, access.person)))
