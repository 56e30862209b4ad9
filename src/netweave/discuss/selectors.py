"""Reads of the discussions for pages, the API and the digest.

Every name shown comes from :func:`netweave.networks.selectors.author_names` or
:func:`~netweave.networks.selectors.member_name`: the pseudonym where a member uses one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from netweave.networks.models import (
    Discussion,
    Event,
    Introduction,
    Membership,
    Network,
    Person,
    Post,
    Reaction,
)
from netweave.networks.selectors import author_names, member_name, shown_names

from .models import (
    DEFAULT_FREQUENCY,
    DigestPreference,
    Follow,
    Frequency,
    Mention,
    PrivateMessage,
    Visit,
)
from .text import render_markdown


def mention_names(network: Network) -> dict[str, int]:
    """Shown name -> person id of the active members of ``network`` (pseudonyms where used)."""
    memberships = Membership.objects.filter(network=network, left_at__isnull=True) \
        .select_related("person")
    return {member_name(m): m.person_id for m in memberships}


def opening_post(discussion: Discussion) -> Post:
    return discussion.posts.filter(parent__isnull=True).order_by("created_at", "pk").first()


def discussion_in(network: Network, pk: int) -> Discussion | None:
    return Discussion.objects.filter(network=network, pk=pk).select_related("network").first()


def post_in(network: Network, pk: int) -> Post | None:
    return Post.objects.filter(discussion__network=network, pk=pk) \
        .select_related("discussion").first()


def is_following(discussion: Discussion, person: Person | None) -> bool:
    return person is not None and Follow.objects.filter(
        discussion=discussion, person=person).exists()


@dataclass(frozen=True)
class TopicRow:
    id: int
    title: str
    author: str
    is_question: bool
    answered: bool
    replies: int
    created_at: datetime
    last_at: datetime
    following: bool
    url: str


def topic_rows(network: Network, viewer: Person | None, *, limit: int = 200) -> list[TopicRow]:
    """The topics of ``network``, the most recently active first."""
    discussions = list(
        Discussion.objects.filter(network=network).select_related("author")
        .annotate(post_count=Count("posts"), last_at=Max("posts__created_at"))
        .order_by("-last_at", "-pk")[:limit])
    names = author_names(network, [d.author for d in discussions])
    followed = set()
    if viewer is not None:
        followed = set(Follow.objects.filter(person=viewer, discussion__in=discussions)
                       .values_list("discussion_id", flat=True))
    return [TopicRow(id=d.pk, title=d.title, author=names[d.author_id],
                     is_question=d.is_question, answered=d.accepted_answer_id is not None,
                     replies=max(d.post_count - 1, 0), created_at=d.created_at,
                     last_at=d.last_at or d.created_at, following=d.pk in followed,
                     url=reverse("discuss-topic", args=[network.slug, d.pk]))
            for d in discussions]


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    count: int
    mine: bool


@dataclass
class PostNode:
    id: int
    author: str
    author_id: int
    body_html: str
    body: str
    created_at: datetime
    parent_id: int | None
    accepted: bool
    reactions: list[ReactionCount]
    children: list[PostNode] = field(default_factory=list)


@dataclass
class TopicPage:
    discussion: Discussion
    author: str
    opening: PostNode | None  # None only for a topic without posts (never made by the app)
    replies: int
    following: bool
    nodes: list[PostNode]
    page: int = 1
    pages: int = 1


# A topic page shows the opening post and this many replies to it, each with every reply
# below it: one ever-growing thread stays as quick to show as a short one.
BRANCHES_PER_PAGE = 50


def _reactions(posts: list[Post], viewer: Person | None) -> dict[int, list[ReactionCount]]:
    counts: dict[int, dict[str, list]] = defaultdict(dict)
    for r in Reaction.objects.filter(post__in=posts).order_by("created_at", "pk"):
        entry = counts[r.post_id].setdefault(r.emoji, [0, False])
        entry[0] += 1
        entry[1] = entry[1] or (viewer is not None and r.person_id == viewer.pk)
    return {pid: [ReactionCount(e, n, mine) for e, (n, mine) in by.items()]
            for pid, by in counts.items()}


def _nodes(discussion: Discussion, posts: list[Post], viewer: Person | None,
           ) -> tuple[dict[int, PostNode], str]:
    """``posts`` rendered (names as the network shows them), and the topic author's name."""
    mentioned: dict[int, list[Person]] = defaultdict(list)
    for m in Mention.objects.filter(post__in=posts).select_related("person"):
        mentioned[m.post_id].append(m.person)
    people = {p.author_id: p.author for p in posts}
    for persons in mentioned.values():
        people.update((p.pk, p) for p in persons)
    people[discussion.author_id] = discussion.author
    names = author_names(discussion.network, list(people.values()))
    reactions = _reactions(posts, viewer)
    nodes = {p.pk: PostNode(
        id=p.pk, author=names[p.author_id], author_id=p.author_id,
        body_html=render_markdown(p.body, [names[x.pk] for x in mentioned[p.pk]]),
        body=p.body, created_at=p.created_at, parent_id=p.parent_id,
        accepted=p.pk == discussion.accepted_answer_id, reactions=reactions.get(p.pk, []))
        for p in posts}
    return nodes, names[discussion.author_id]


def _branches(discussion_id: int) -> tuple[int | None, list[list[int]]]:
    """The opening post's id and, oldest first, each reply to it with every post below it."""
    shape = list(Post.objects.filter(discussion_id=discussion_id).order_by("created_at", "pk")
                 .values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in shape:
        children[parent].append(pk)
    roots = children.get(None, [])
    if not roots:
        return None, []
    branches = []
    for top in children[roots[0]]:
        branch, stack = [], [top]
        while stack:
            pk = stack.pop()
            branch.append(pk)
            stack.extend(children.get(pk, []))
        branches.append(branch)
    return roots[0], branches


def topic_page(discussion: Discussion, viewer: Person | None, *,
               page: int | None = None) -> TopicPage:
    """A topic with its posts as a tree (replies under what they reply to), oldest first.

    With ``page`` (1, 2, …; out-of-range numbers are clamped) only the opening post and the
    page's :data:`BRANCHES_PER_PAGE` replies to it, each with its whole sub-thread; without,
    every post (the API).
    """
    posts = discussion.posts.select_related("author").order_by("created_at", "pk")
    pages = 1
    total = None
    if page is not None:
        opening, branches = _branches(discussion.pk)
        total = sum(map(len, branches))
        pages = max(1, -(-len(branches) // BRANCHES_PER_PAGE))
        page = min(max(page, 1), pages)
        shown = branches[(page - 1) * BRANCHES_PER_PAGE:page * BRANCHES_PER_PAGE]
        ids = [opening, *(pk for branch in shown for pk in branch)] if opening else []
        posts = posts.filter(pk__in=ids)
    posts = list(posts)
    nodes, author = _nodes(discussion, posts, viewer)
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return TopicPage(discussion=discussion, author=author,
                     opening=roots[0] if roots else None,
                     replies=total if total is not None else max(len(posts) - 1, 0),
                     following=is_following(discussion, viewer), nodes=list(nodes.values()),
                     page=page or 1, pages=pages)


def post_pages(discussion_id: int) -> dict[int, int]:
    """Post id -> the topic page (1, 2, …) that shows it, for the replies of a topic."""
    _, branches = _branches(discussion_id)
    return {pk: index // BRANCHES_PER_PAGE + 1
            for index, branch in enumerate(branches) for pk in branch}


def post_node(post: Post, viewer: Person | None) -> PostNode:
    """One post as a topic page shows it (without its replies)."""
    nodes, _ = _nodes(post.discussion, [post], viewer)
    return nodes[post.pk]


# --- warmth: the facilitator's page between meetings (docs/metrics.md#warmth) ---

@dataclass(frozen=True)
class BetweenMeetings:
    at: datetime
    days_since_last_online: float | None
    last_meeting_at: datetime | None
    last_meeting_events: list[str]
    gap_weeks: int
    gap_weeks_covered: int
    gap_coverage: float | None
    last_meeting_attendees: int
    quiet: list[str]


def between_meetings(network: Network, at: datetime | None = None) -> BetweenMeetings:
    """docs/metrics.md#warmth as of ``at`` (now), computed by
    :func:`netweave.core.measure.warmth.between_meetings` over the network's activity log;
    the quiet people are named as the network shows them (pseudonyms where used)."""
    from netweave.core.measure.data import NetworkData
    from netweave.core.measure.warmth import between_meetings as figures
    from netweave.networks.activity_log import network_log

    at = at or timezone.now()
    out = figures(NetworkData(log=network_log(network.pk, end=at)), at)
    meeting = out["last_meeting"]
    event_titles: list[str] = []
    meeting_at = None
    if meeting is not None:
        meeting_at = datetime.fromisoformat(meeting["at"])
        event_titles = list(Event.objects.filter(network=network, pk__in=meeting["events"])
                            .order_by("starts_at", "pk").values_list("title", flat=True))
    quiet = list(Person.objects.filter(pk__in=out["quiet_since_last_meeting"]))
    names = author_names(network, quiet)
    return BetweenMeetings(
        at=at, days_since_last_online=out["days_since_last_online_contribution"],
        last_meeting_at=meeting_at, last_meeting_events=event_titles,
        gap_weeks=int(out["gap_weeks_so_far"]), gap_weeks_covered=int(out["gap_weeks_covered"]),
        gap_coverage=out["gap_coverage_so_far"],
        last_meeting_attendees=int(out["last_meeting_attendees"]),
        quiet=sorted(names[p.pk] for p in quiet))


# --- the digest ----------------------------------------------------------------------------

def frequency_of(person: Person) -> str:
    pref = DigestPreference.objects.filter(person=person).first()
    return pref.frequency if pref else DEFAULT_FREQUENCY


@dataclass(frozen=True)
class DigestItem:
    title: str
    who: str
    at: datetime
    path: str


@dataclass
class DigestSection:
    network: Network
    since: datetime
    topics: list[DigestItem] = field(default_factory=list)
    replies: list[DigestItem] = field(default_factory=list)
    mentions: list[DigestItem] = field(default_factory=list)
    events: list[DigestItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.topics) + len(self.replies) + len(self.mentions) + len(self.events)


@dataclass
class Digest:
    start: datetime
    end: datetime
    sections: list[DigestSection]

    @property
    def count(self) -> int:
        return sum(s.count for s in self.sections)


#: How far ahead the digest looks for events, beyond the end of its period.
EVENT_HORIZON = {Frequency.DAILY: timedelta(days=2), Frequency.WEEKLY: timedelta(days=8)}


def topic_path(network: Network, discussion_id: int, post_id: int | None = None, *,
               pages: dict[int, dict[int, int]] | None = None) -> str:
    """A topic's page or, given ``post_id``, the page of the topic that shows it, scrolled to it.
    ``pages`` keeps :func:`post_pages` per topic between calls (one look-up per topic)."""
    path = reverse("discuss-topic", args=[network.slug, discussion_id])
    if not post_id:
        return path
    pages = {} if pages is None else pages
    if discussion_id not in pages:
        pages[discussion_id] = post_pages(discussion_id)
    page = pages[discussion_id].get(post_id, 1)
    return f"{path}?page={page}#post-{post_id}" if page > 1 else f"{path}#post-{post_id}"


def _event_path(network: Network, event_id: int) -> str:
    """The event's page where the events app has one, else the network's page."""
    try:
        return reverse("meet-event-detail", args=[network.slug, event_id])
    except NoReverseMatch:
        return reverse("network-detail", args=[network.slug])


def digest_for(person: Person, start: datetime, end: datetime,
               horizon: timedelta = EVENT_HORIZON[Frequency.WEEKLY],
               frequency: str | None = None) -> Digest:
    """What happened in ``[start, end)`` in ``person``'s networks that they have not seen:
    per network only what came after their last visit there. New topics, replies in topics
    they follow and mentions of them (their own posts left out), and events starting within
    ``horizon`` after ``end``. With ``frequency``, only the networks whose digest comes at
    that frequency (the network's profile choice, else the person's own)."""
    memberships = Membership.objects.filter(person=person, left_at__isnull=True) \
        .select_related("network").order_by("network__name")
    if frequency is not None:
        own = (DigestPreference.objects.filter(person=person)
               .values_list("frequency", flat=True).first() or DEFAULT_FREQUENCY)
        memberships = [m for m in memberships if (m.digest_frequency or own) == frequency]
    visits = dict(Visit.objects.filter(person=person).values_list("network_id", "last_seen_at"))
    sections = []
    for m in memberships:
        network = m.network
        since = max(start, visits.get(network.pk, start))
        section = DigestSection(network=network, since=since)
        window = Q(created_at__gte=since, created_at__lt=end)
        topics = list(Discussion.objects.filter(window, network=network)
                      .exclude(author=person).select_related("author").order_by("created_at"))
        followed = Follow.objects.filter(person=person).values("discussion_id")
        replies = list(Post.objects.filter(window, discussion__network=network,
                                           discussion_id__in=followed, parent__isnull=False)
                       .exclude(author=person).select_related("author", "discussion")
                       .order_by("created_at"))
        mentions = list(Mention.objects.filter(
            person=person, post__discussion__network=network, post__created_at__gte=since,
            post__created_at__lt=end).select_related("post__author", "post__discussion")
            .order_by("post__created_at"))
        names = author_names(network, [*(t.author for t in topics), *(r.author for r in replies),
                                       *(x.post.author for x in mentions)])
        section.topics = [DigestItem(t.title, names[t.author_id], t.created_at,
                                     topic_path(network, t.pk)) for t in topics]
        pages: dict[int, dict[int, int]] = {}
        section.replies = [DigestItem(r.discussion.title, names[r.author_id], r.created_at,
                                      topic_path(network, r.discussion_id, r.pk, pages=pages))
                           for r in replies]
        section.mentions = [DigestItem(x.post.discussion.title, names[x.post.author_id],
                                       x.post.created_at,
                                       topic_path(network, x.post.discussion_id, x.post_id,
                                                  pages=pages))
                            for x in mentions]
        section.events = [DigestItem(e.title, "", e.starts_at, _event_path(network, e.pk))
                          for e in Event.objects.filter(network=network, starts_at__gte=end,
                                                        starts_at__lt=end + horizon,
                                                        cancelled=False)
                          .order_by("starts_at")]
        if section.count:
            sections.append(section)
    return Digest(start=start, end=end, sections=sections)


# --- private conversations after an introduction --------------------------------------------


def my_introduction(network: Network, pk: int, person: Person | None) -> Introduction | None:
    """Introduction ``pk`` of ``network`` when ``person`` is one of the two introduced (the
    only ones who read its conversation); else None."""
    if person is None:
        return None
    return (Introduction.objects.filter(network=network, pk=pk)
            .filter(Q(person_a=person) | Q(person_b=person)).first())


@dataclass(frozen=True)
class MessageRow:
    mine: bool
    name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ConversationPage:
    introduction: Introduction
    #: The other person, by the name the network shows.
    other: str
    messages: list[MessageRow]


def conversation_page(introduction: Introduction, viewer: Person) -> ConversationPage:
    """The conversation of ``introduction`` as ``viewer`` (one of the two) reads it."""
    other_id = (introduction.person_b_id if introduction.person_a_id == viewer.pk
                else introduction.person_a_id)
    names = shown_names(introduction.network, [introduction.person_a_id,
                                               introduction.person_b_id])
    messages = (PrivateMessage.objects.filter(conversation__introduction=introduction)
                .order_by("created_at", "pk"))
    return ConversationPage(introduction, names.get(other_id, ""), [
        MessageRow(m.author_id == viewer.pk, names.get(m.author_id, ""), m.body, m.created_at)
        for m in messages])


@dataclass(frozen=True)
class ConversationRow:
    introduction: int
    other: str
    messages: int
    last_at: datetime | None


def my_conversations(network: Network, person: Person) -> list[ConversationRow]:
    """Every introduction of ``person`` in ``network`` with its private conversation (if it
    has begun), the most recent first."""
    intros = list(Introduction.objects.filter(network=network)
                  .filter(Q(person_a=person) | Q(person_b=person))
                  .annotate(n=Count("conversation__messages"),
                            last=Max("conversation__messages__created_at"))
                  .order_by("-created_at", "-pk"))
    others = {i.pk: i.person_b_id if i.person_a_id == person.pk else i.person_a_id
              for i in intros}
    names = shown_names(network, others.values())
    return [ConversationRow(i.pk, names.get(others[i.pk], ""), i.n, i.last) for i in intros]
