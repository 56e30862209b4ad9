"""Weave's domain actions, the only public writer of offers, needs, exchanges and
introductions; each writes its activity rows (built by :mod:`netweave.networks.activity_rows`)
in the same transaction.

* offers, needs and interests of a member (validated);
* fulfilling an offer or a need records an :class:`Exchange`; it counts (a ``give`` row)
  once the receiving side confirms: at once when the one fulfilling is the receiver (a need
  answered by someone), else when the receiver confirms (an offer given to someone);
* an introduction (``introduce`` rows tie the introducer to both) with an e-mail to both;
* the follow-up: each side answers "did you meet?" and "was it valuable?"; a valuable meeting
  is a confirmed exchange from the other side to the one answering (a ``give`` row), so two
  people who both found it valuable appear as a reciprocal tie (docs/metrics.md#reciprocity).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from netweave.core.text import one_line
from netweave.networks import activity_rows as rows
from netweave.networks.models import (
    Exchange,
    Identity,
    Introduction,
    Membership,
    Need,
    Network,
    Offer,
    Person,
    Role,
    Status,
    ValueCycle,
    ValueStory,
)
from netweave.networks.selectors import mail_language, member_name
from netweave.networks.services import record_activity

from .models import FollowUpReminder, IntroductionAnswer, StoryLink
from .selectors import RECENT_DAYS, follow_up_days, follow_up_from, story_choices

log = logging.getLogger(__name__)

MAX_TEXT = 500
MAX_TAGS = 20
MAX_TAG = 60


def parse_tags(value: str | Iterable[str]) -> list[str]:
    """Tags from a comma-separated text (or a list): trimmed, lower case, no repeats.

    Raises :class:`ValidationError` for more than :data:`MAX_TAGS` tags or a tag longer
    than :data:`MAX_TAG` characters.
    """
    items = re.split(r"[,;\n]", value) if isinstance(value, str) else list(value)
    tags: list[str] = []
    for item in items:
        tag = " ".join(_no_nul(str(item)).split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG:
            raise ValidationError(
                _("A tag may have at most %(n)s characters: “%(tag)s”.")
                % {"n": MAX_TAG, "tag": tag[:MAX_TAG] + "…"})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("At most %(n)s tags, please.") % {"n": MAX_TAGS})
    return tags


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValidationError(_("The text contains a NUL character; remove it."))
    return text


def _text(text: str) -> str:
    text = " ".join(_no_nul(text or "").split())
    if not text:
        raise ValidationError(_("Describe it in a few words."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("At most %(n)s characters, please.") % {"n": MAX_TEXT})
    return text


def active_membership(network: Network, person: Person) -> Membership:
    """``person``'s active membership of ``network``; ValidationError when there is none."""
    m = (Membership.objects.filter(network=network, person=person, left_at__isnull=True)
         .select_related("person").first())
    if m is None:
        raise ValidationError(_("That person is not a member of this network."))
    return m


def _add_item(model: type[Offer] | type[Need], network: Network, person: Person, text: str,
              tags: str | Iterable[str], everywhere: bool, at: datetime | None,
              source: str) -> Offer | Need:
    """Save an offer or a need with one row per network it holds in (all the person's
    active memberships when ``everywhere``)."""
    active_membership(network, person)
    scope = None if everywhere else network
    item = model.objects.create(person=person, network=scope, text=_text(text),
                                tags=parse_tags(tags), created_at=at or timezone.now())
    networks = ([network.pk] if scope is not None else
                Membership.objects.filter(person=person, left_at__isnull=True)
                .values_list("network_id", flat=True))
    row = rows.offer if model is Offer else rows.need
    record_activity(*(row(item, nid, source=source) for nid in networks))
    return item


@transaction.atomic
def add_offer(network: Network, person: Person, text: str, tags: str | Iterable[str] = "", *,
              everywhere: bool = False, at: datetime | None = None,
              source: str = "web") -> Offer:
    """Add what ``person`` brings, in ``network`` (or in all their networks)."""
    return _add_item(Offer, network, person, text, tags, everywhere, at, source)


@transaction.atomic
def add_need(network: Network, person: Person, text: str, tags: str | Iterable[str] = "", *,
             everywhere: bool = False, at: datetime | None = None,
             source: str = "web") -> Need:
    """Add what ``person`` seeks, in ``network`` (or in all their networks)."""
    return _add_item(Need, network, person, text, tags, everywhere, at, source)


@transaction.atomic
def set_interests(person: Person, interests: str | Iterable[str], opt_out: bool) -> Person:
    """Store ``person``'s interest tags and whether they want no introductions."""
    person.interests = parse_tags(interests)
    person.introductions_opt_out = bool(opt_out)
    person.save(update_fields=["interests", "introductions_opt_out"])
    return person


@transaction.atomic
def record_exchange(network: Network, *, giver: Person, receiver: Person, description: str,
                    offer: Offer | None = None, need: Need | None = None, weight: float = 1.0,
                    at: datetime | None = None) -> Exchange:
    """Record that something was given. It counts (a ``give`` row) once the receiver confirms."""
    if giver.pk == receiver.pk:
        raise ValidationError(_("An exchange needs two different people."))
    return Exchange.objects.create(network=network, giver=giver, receiver=receiver,
                                   description=description, offer=offer, need=need,
                                   weight=weight, created_at=at or timezone.now())


@transaction.atomic
def confirm_exchange(exchange: Exchange, *, at: datetime | None = None,
                     source: str = "web") -> Exchange:
    """The receiving side confirms; the offer and need it answers are fulfilled."""
    if exchange.confirmed_at is not None:
        return exchange
    exchange.confirmed_at = at or timezone.now()
    exchange.save(update_fields=["confirmed_at"])
    for item in (exchange.offer, exchange.need):
        if item is not None and item.status != Status.FULFILLED:
            item.status, item.fulfilled_at = Status.FULFILLED, exchange.confirmed_at
            item.save(update_fields=["status", "fulfilled_at"])
    record_activity(rows.give(exchange, source=source))
    return exchange


@transaction.atomic
def fulfil(network: Network, item: Offer | Need, by: Person, counterpart: Person,
           description: str = "", *, source: str = "web") -> Exchange:
    """``by`` marks their own offer or need fulfilled together with ``counterpart``.

    An offer: ``by`` gave to ``counterpart``, who confirms later. A need: ``counterpart``
    gave to ``by``, the receiver, so it is confirmed at once.
    """
    if item.person_id != by.pk:
        raise PermissionDenied
    if item.network_id not in (None, network.pk):
        raise ValidationError(_("This item belongs to another network."))
    if item.status != Status.OPEN:
        raise ValidationError(_("This is already fulfilled."))
    if counterpart.pk == by.pk:
        raise ValidationError(_("Choose the other person of the exchange."))
    active_membership(network, counterpart)
    description = _text(description or item.text)
    if isinstance(item, Offer):
        exchange = record_exchange(network, giver=by, receiver=counterpart,
                                   description=description, offer=item)
        return exchange
    exchange = record_exchange(network, giver=counterpart, receiver=by,
                               description=description, need=item)
    return confirm_exchange(exchange, source=source)


def confirm(exchange: Exchange, by: Person, *, source: str = "web") -> Exchange:
    """The receiving side confirms an exchange (only the receiver may)."""
    if exchange.receiver_id != by.pk:
        raise PermissionDenied
    return confirm_exchange(exchange, source=source)


# --- introductions --------------------------------------------------------------------------

@transaction.atomic
def introduce(network: Network, *, introducer: Person, person_a: Person, person_b: Person,
              reasons: str = "", at: datetime | None = None,
              source: str = "web") -> Introduction:
    """Record an introduction as given (``introduce`` rows): no checks of who may introduce
    whom and no e-mails; :func:`make_introduction` adds those."""
    if person_a.pk == person_b.pk:
        raise ValidationError(_("An introduction needs two different people."))
    intro = Introduction.objects.create(network=network, introducer=introducer,
                                        person_a=person_a, person_b=person_b, reasons=reasons,
                                        created_at=at or timezone.now())
    record_activity(*rows.introduce(intro, source=source))
    return intro


def _check_introducible(network: Network, introducer: Person, a: Membership,
                        b: Membership) -> None:
    if a.person_id == b.person_id:
        raise ValidationError(_("An introduction needs two different people."))
    for m in (a, b):
        if m.role == Role.OBSERVER:
            raise ValidationError(_("%(name)s takes part as an observer.")
                                  % {"name": member_name(m)})
        if m.person.introductions_opt_out and m.person_id != introducer.pk:
            raise ValidationError(_("%(name)s does not want introductions.")
                                  % {"name": member_name(m)})
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = Introduction.objects.filter(network=network, created_at__gte=since).filter(
        person_a__in=(a.person_id, b.person_id), person_b__in=(a.person_id, b.person_id))
    if recent.exists():
        raise ValidationError(_("%(a)s and %(b)s have already been introduced.")
                              % {"a": member_name(a), "b": member_name(b)})


def _contact_line(m: Membership) -> str:
    if m.identity == Identity.PSEUDONYM or not m.person.email:
        return ""
    return _("You can reach %(name)s at %(email)s.") % {"name": member_name(m),
                                                        "email": m.person.email}


def _mail(network: Network, intro: Introduction, introducer: str, me: Membership,
          other: Membership, link: str) -> None:
    if not me.person.email:
        return
    with translation.override(mail_language(me.person, network)):
        subject, body = _introduction_text(intro, introducer, me, other, link, network)
    send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [me.person.email])


def _introduction_text(intro: Introduction, introducer: str, me: Membership,
                       other: Membership, link: str, network: Network) -> tuple[str, str]:
    args = {"introducer": introducer, "other": member_name(other), "network": network.name}
    if intro.introducer_id == me.person_id:
        subject = _("You introduced yourself to %(other)s") % args
        why = _("You asked to meet %(other)s, in the network “%(network)s”.") % args
    elif intro.introducer_id == other.person_id:
        subject = _("%(other)s would like to meet you") % args
        why = _("%(other)s asked to meet you, in the network “%(network)s”.") % args
    else:
        subject = _("%(introducer)s introduces you to %(other)s") % args
        why = _("%(introducer)s thinks you and %(other)s should meet, in the network "
                "“%(network)s”.") % args
    body = "\n\n".join(x for x in [
        _("Hello %(name)s,") % {"name": member_name(me)},
        why,
        _("Why:") + "\n" + intro.reasons if intro.reasons else "",
        _contact_line(other),
        _("You can write to %(other)s privately on the network's give-and-take page; no "
          "e-mail addresses are shared: %(link)s") % {"other": member_name(other), "link": link},
        _("Afterwards, please tell us whether you met and whether it was valuable: %(link)s")
        % {"link": link},
    ] if x)
    return subject, body


@transaction.atomic
def make_introduction(network: Network, introducer: Person, person_a: Person,
                      person_b: Person, reasons: str = "", *, link: str = "",
                      source: str = "web", at: datetime | None = None) -> Introduction:
    """Introduce ``person_a`` and ``person_b`` (``introduce`` rows) and e-mail both.

    A facilitator introduces any two members; anyone else only themselves to someone.

    The e-mails name everyone as the network shows them (pseudonyms where used) and give an
    e-mail address only of someone who takes part under their real name. ``link`` points to
    the follow-up page. ``reasons`` (plain text) go into the e-mail. The e-mails are sent
    after the commit, in the language active now.
    """
    intro_m = active_membership(network, introducer)
    if intro_m.role != Role.FACILITATOR and introducer.pk not in (person_a.pk, person_b.pk):
        raise PermissionDenied(_("Only a facilitator introduces two other people; you can "
                                 "ask to meet someone yourself."))
    a, b = active_membership(network, person_a), active_membership(network, person_b)
    _check_introducible(network, introducer, a, b)
    intro = introduce(network, introducer=introducer, person_a=person_a, person_b=person_b,
                         reasons=_no_nul(reasons or "").strip()[:4000], source=source, at=at)
    name, lang = member_name(intro_m), translation.get_language()

    def send() -> None:
        with translation.override(lang):
            _mail(network, intro, name, a, b, link)
            _mail(network, intro, name, b, a, link)

    transaction.on_commit(send, robust=True)  # a failed mail is logged, not a 500
    return intro


@transaction.atomic
def answer_follow_up(introduction: Introduction, person: Person, *, met: bool,
                     valuable: bool | None, source: str = "web") -> IntroductionAnswer:
    """Store ``person``'s answers; a valuable meeting records a confirmed exchange.

    Only the two people introduced answer, each once. ``valuable`` is ignored (None) when
    they did not meet. The exchange goes from the other person to ``person`` (who, as the
    receiving side, confirms it by answering): a ``give`` row in the activity log.
    """
    if person.pk not in (introduction.person_a_id, introduction.person_b_id):
        raise PermissionDenied
    if IntroductionAnswer.objects.filter(introduction=introduction, person=person).exists():
        raise ValidationError(_("You have already answered."))
    due = follow_up_from(introduction)
    if timezone.now() < due:
        raise ValidationError(_("You can answer this from %(date)s, when you have had time "
                                "to meet.") % {"date": formats.date_format(due.date())})
    valuable = bool(valuable) if met and valuable is not None else None
    if met and valuable is None:
        raise ValidationError(_("Tell us whether the meeting was valuable."))
    other_id = (introduction.person_b_id if introduction.person_a_id == person.pk
                else introduction.person_a_id)
    exchange = None
    if met and valuable:
        other = Person.objects.get(pk=other_id)
        with translation.override(settings.LANGUAGE_CODE):
            description = _("A valuable meeting after an introduction")
        exchange = record_exchange(introduction.network, giver=other, receiver=person,
                                      description=description)
        exchange = confirm_exchange(exchange, source=source)
    answer = IntroductionAnswer.objects.create(introduction=introduction, person=person,
                                               met=met, valuable=valuable, exchange=exchange,
                                               answered_at=timezone.now())
    answers = list(IntroductionAnswer.objects.filter(introduction=introduction))
    introduction.met = any(x.met for x in answers)
    introduction.valuable = (True if any(x.valuable for x in answers)
                             else False if all(x.valuable is False or not x.met for x in answers)
                             else None)
    introduction.save(update_fields=["met", "valuable"])
    return answer




@dataclass(frozen=True)
class FollowUps:
    """What a follow-up run did: e-mails sent, and e-mails that failed (each logged)."""

    sent: int = 0
    failed: int = 0


def remind_follow_ups(*, after_days: int | None = None, link_base: str = "",
                      now: datetime | None = None) -> FollowUps:
    """E-mail each introduced person who has not answered the follow-up of an introduction
    made at least ``after_days`` (default :func:`~.selectors.follow_up_days`) ago; each
    person once per introduction. ``link_base`` (e.g.
    ``https://netweave.example``) makes the link to the follow-up page absolute; each e-mail
    is in its recipient's language. One e-mail that fails (logged with the introduction and
    person) is rolled back, tried again next run, and never stops the others."""
    now = now or timezone.now()
    after_days = follow_up_days() if after_days is None else after_days
    due = (Introduction.objects.filter(created_at__lte=now - timedelta(days=after_days))
           .select_related("network").order_by("created_at", "pk"))
    sent = failed = 0
    for intro in due:
        for person_id, other_id in ((intro.person_a_id, intro.person_b_id),
                                    (intro.person_b_id, intro.person_a_id)):
            if IntroductionAnswer.objects.filter(introduction=intro,
                                                 person_id=person_id).exists():
                continue
            try:
                sent += _follow_up(intro, person_id, other_id, link_base, now)
            except Exception:
                failed += 1
                log.exception("follow-up of introduction %s to person %s failed",
                              intro.pk, person_id)
    return FollowUps(sent, failed)


@transaction.atomic
def _follow_up(intro: Introduction, person_id: int, other_id: int, link_base: str,
               now: datetime) -> bool:
    from django.urls import reverse

    _reminder, created = FollowUpReminder.objects.get_or_create(
        introduction=intro, person_id=person_id, defaults={"sent_at": now})
    if not created:
        return False
    me = Membership.objects.filter(network=intro.network, person_id=person_id,
                                   left_at__isnull=True).select_related("person").first()
    other = Membership.objects.filter(network=intro.network,
                                      person_id=other_id).select_related("person").first()
    if me is None or other is None or not me.person.email:
        return False
    link = link_base.rstrip("/") + reverse("weaving-home", args=[intro.network.slug])
    with translation.override(mail_language(me.person, intro.network)):
        body = "\n\n".join([
            _("Hello %(name)s,") % {"name": member_name(me)},
            _("A while ago you were introduced to %(other)s in the network "
              "“%(network)s”. Did you meet, and was it valuable? Please tell us: "
              "%(link)s") % {"other": member_name(other),
                             "network": intro.network.name, "link": link},
        ])
        subject = one_line(_("Did you meet %(other)s?") % {"other": member_name(other)})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [me.person.email])
    return True


# --- value stories ---------------------------------------------------------------------------

MAX_STORY_TITLE = 200
MAX_STORY = 5000


def _chosen(ids: Iterable[int], allowed: list[tuple[int, str]], what: str) -> list[int]:
    known = {pk for pk, _label in allowed}
    chosen = list(dict.fromkeys(int(i) for i in ids))
    unknown = [str(i) for i in chosen if i not in known]
    if unknown:
        raise ValidationError(_("%(what)s %(ids)s: not one you can name in this network.")
                              % {"what": what, "ids": ", ".join(unknown)})
    return chosen


@transaction.atomic
def tell_story(network: Network, author: Person, *, title: str, text: str, cycle: str,
               events: Iterable[int] = (), introductions: Iterable[int] = (),
               offers: Iterable[int] = (), at: datetime | None = None,
               source: str = "web") -> ValueStory:
    """Record ``author``'s value story (a ``story`` row, at ``at``, default now) and what
    led to it.

    ``author`` takes part in ``network`` (member or facilitator). ``cycle`` is one of
    :class:`~netweave.networks.models.ValueCycle`; ``events``, ``introductions`` and
    ``offers`` are ids from :func:`~.selectors.story_choices`. Anything else is a
    ValidationError that says what was expected, and nothing is saved.
    """
    m = active_membership(network, author)
    if m.role == Role.OBSERVER:
        raise ValidationError(_("Observers follow the network; only members tell stories."))
    title = one_line(_no_nul(title or "")).strip()
    if not title:
        raise ValidationError(_("Give the story a title."))
    if len(title) > MAX_STORY_TITLE:
        raise ValidationError(_("A title has at most %(n)s characters.")
                              % {"n": MAX_STORY_TITLE})
    text = _no_nul(text or "").strip()
    if not text:
        raise ValidationError(_("Tell what happened in a few sentences."))
    if len(text) > MAX_STORY:
        raise ValidationError(_("At most %(n)s characters, please.") % {"n": MAX_STORY})
    if cycle not in ValueCycle.values:
        raise ValidationError(_("The cycle of value is one of: %(cycles)s.")
                              % {"cycles": ", ".join(ValueCycle.values)})
    choices = story_choices(network, author)
    links = ([StoryLink(event_id=pk) for pk in _chosen(events, choices.events, _("Meeting"))]
             + [StoryLink(introduction_id=pk) for pk in
                _chosen(introductions, choices.introductions, _("Introduction"))]
             + [StoryLink(offer_id=pk) for pk in _chosen(offers, choices.offers, _("Offer"))])
    story = ValueStory.objects.create(network=network, author=author, title=title, text=text,
                                      cycle=ValueCycle(cycle), created_at=at or timezone.now())
    record_activity(rows.story(story, source=source))
    for link in links:
        link.story = story
    StoryLink.objects.bulk_create(links)
    return story
