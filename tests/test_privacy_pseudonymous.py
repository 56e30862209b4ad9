"""Privacy in a pseudonymous-only network (PRODUCT.md, "Meet"; the demo's Carers' Circle).

A member who is not entitled to real names logs in and reaches everything they can for the
network: every page (found through Django's URL resolver with its parameters filled from
the network's own objects, then by following the links on the pages), every GET answer of
the REST API (the paths of ``/api/openapi.json``), every export and feed those lead to
(spreadsheets and other ZIP files are read inside), and the digest e-mail. No real name or
e-mail address of any pseudonymous member may appear in any of it. Pages other apps add
later are covered without changing this test.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from netweave.discuss import selectors as discuss_selectors
from netweave.discuss import services as discuss
from netweave.discuss.digest import render_digest, send_digests
from netweave.discuss.models import Frequency, Visit
from netweave.networks import services as domain
from netweave.networks.models import (
    Discussion,
    IdentityMode,
    Network,
    Person,
    Post,
    RsvpStatus,
    Visibility,
)

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
SLUG = "carers-circle"
#: Real identities of the pseudonymous members: (username, real name, e-mail, pseudonym).
MEMBERS = [
    ("facil", "Rosalind Quartermaine", "rosalind.quartermaine@private.example", "Lantern"),
    ("viewer", "Bartholomew Fairweather", "bart.fairweather@private.example", "Birch"),
    ("asker", "Cordelia Ravenscroft", "cordelia.ravenscroft@private.example", "Willow"),
    ("helper", "Desmond Okonkwo-Lindqvist", "desmond.ol@private.example", "Harbour"),
    ("quiet", "Evangeline Thistlewood", "evangeline.t@private.example", "Sparrow"),
]
#: Paths never fetched: writes only, language switch, log-out, static files, admin.
SKIP_PREFIXES = ("/static/", "/admin/", "/i18n/", "/accounts/logout/", "/media/")
MAX_FETCHES = 1500
MAX_COMBINATIONS = 60


def _person(username: str, name: str, email: str) -> Person:
    user = User.objects.create_user(username, email=email, password="x")
    return Person.objects.create(user=user, name=name, email=email)


def build_circle() -> tuple[Network, dict[str, Person]]:
    """A pseudonymous-only network with discussions, events, attendance, give-and-take."""
    people = {u: _person(u, name, email) for u, name, email, _p in MEMBERS}
    net = domain.create_network(
        facilitator=people["facil"], facilitator_pseudonym="Lantern", slug=SLUG,
        name="Carers Circle", purpose="Peer support for people caring for a relative.",
        primary_type="circumstance", identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
        visibility=Visibility.CLOSED, at=timezone.now() - timedelta(days=120))
    for username, _n, _e, pseudonym in MEMBERS[1:]:
        domain.join_network(net, people[username], pseudonym=pseudonym,
                            at=timezone.now() - timedelta(days=100))
    now = timezone.now()
    past = domain.create_event(net, title="Monthly circle", starts_at=now - timedelta(days=30),
                               ends_at=now - timedelta(days=30, hours=-2),
                               hosts=[people["facil"]], location="Community centre")
    upcoming = domain.create_event(net, title="Winter circle", starts_at=now + timedelta(days=3),
                                   ends_at=now + timedelta(days=3, hours=2),
                                   hosts=[people["helper"]], location="Library")
    for username in ("viewer", "asker", "helper", "quiet"):
        domain.rsvp(past, people[username], RsvpStatus.GOING, at=now - timedelta(days=35))
        domain.check_in(past, people[username], at=now - timedelta(days=30))
        domain.rsvp(upcoming, people[username], RsvpStatus.GOING)
    q = discuss.start_topic(net, people["asker"], title="Nights are hard",
                            body="How do you get sleep? @Harbour, you mentioned a trick.",
                            is_question=True, at=now - timedelta(days=20))
    answer = discuss.reply(q, people["helper"], "A night sitter twice a month. @Willow",
                           at=now - timedelta(days=19))
    discuss.reply(q, people["facil"], "Thanks @Harbour, lovely.", parent=answer,
                  at=now - timedelta(days=18))
    discuss.react(answer, people["asker"], "🙏")
    discuss.accept_answer(q, answer, by=people["asker"], facilitator=False)
    t = discuss.start_topic(net, people["quiet"], title="Respite care forms",
                            body="Does anyone have the **form**? cc @Birch @Lantern")
    discuss.reply(t, people["helper"], "I do, will bring it.")
    offer = domain.add_offer(people["helper"], "Lifts to the hospital", network=net)
    need = domain.add_need(people["asker"], "Someone to sit with my mother", network=net)
    exchange = domain.record_exchange(net, giver=people["helper"], receiver=people["asker"],
                                      description="Drove to the clinic", offer=offer, need=need)
    domain.confirm_exchange(exchange)
    domain.introduce(net, introducer=people["facil"], person_a=people["asker"],
                     person_b=people["quiet"], reasons="Both care for a parent with dementia.")
    domain.tell_story(net, people["asker"], title="I slept", text="Thanks to Harbour.",
                      cycle="applied")
    return net, people


# --- what a response says, as text -------------------------------------------------------

def response_text(response) -> str:
    """Headers and body of ``response`` as text; a ZIP file (an XLSX export, an archive) is
    read member by member, its XML as text."""
    head = " ".join(f"{k}: {v}" for k, v in response.items())
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [archive.read(n).decode("utf-8", errors="replace")
                       for n in archive.namelist()]
        return head + "\n" + "\n".join(members)
    if kind.startswith("image/") and "svg" not in kind:
        return head
    return head + "\n" + content.decode("utf-8", errors="replace")


def forbidden_words(viewer: str) -> list[str]:
    """Real names (and each part of them), e-mail addresses and their local parts of every
    pseudonymous member but the viewer (whose own identity is theirs to see)."""
    words: set[str] = set()
    for username, name, email, _p in MEMBERS:
        if username == viewer:
            continue
        words.update({name, email, email.split("@")[0]})
        words.update(part for part in re.split(r"[\s-]+", name) if len(part) >= 4)
    return sorted(words, key=len, reverse=True)


def leaks(text: str, words: list[str]) -> list[str]:
    lowered = text.lower()
    return [w for w in words if w.lower() in lowered]


# --- URL discovery -----------------------------------------------------------------------

def _routes(patterns, prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    """(route, {param: converter}) of every URL pattern with a route string; regex
    patterns are kept only when they have no groups."""
    out = []
    for p in patterns:
        if isinstance(p.pattern, RoutePattern):
            route = str(p.pattern._route)
            params = {name: type(conv).__name__.replace("Converter", "").lower()
                      for name, conv in p.pattern.converters.items()}
        else:
            regex = p.pattern.regex
            if regex.groups:
                continue
            route = regex.pattern.lstrip("^").rstrip("$").replace("\\", "")
            params = {}
        if isinstance(p, URLResolver):
            for sub_route, sub_params in _routes(p.url_patterns, prefix + route):
                out.append((sub_route, {**params, **sub_params}))
        elif isinstance(p, URLPattern):
            out.append((prefix + route, params))
    return out


def _network_objects(net: Network) -> dict[str, list[models.Model]]:
    """Objects of ``net`` by lower-case model name: every model with a foreign key to
    Network, and posts, through their discussion."""
    found: dict[str, list[models.Model]] = {}
    for model in apps.get_models():
        fks = [f.name for f in model._meta.get_fields()
               if isinstance(f, models.ForeignKey) and f.related_model is Network]
        for name in fks:
            found.setdefault(model._meta.model_name, []).extend(
                model.objects.filter(**{name: net})[:25])
    found["post"] = list(Post.objects.filter(discussion__network=net))
    found["person"] = [m.person for m in net.memberships.select_related("person")]
    return found


def _candidates(name: str, converter: str, before: str, objects: dict[str, list],
                net: Network) -> list[str]:
    """Values to try for the URL parameter ``name`` (``before``: the route's text before it)."""
    if converter == "slug" or name in ("slug", "network"):
        return [net.slug]
    hint = (name + " " + before.rstrip("/").rsplit("/", 1)[-1]).lower()
    if converter == "int":
        chosen = [objs for model, objs in objects.items() if model in hint
                  or (model.endswith("y") and model[:-1] + "ies" in hint)]
        pool = chosen[0] if chosen else list(itertools.chain(*objects.values()))
        return sorted({str(o.pk) for o in pool}, key=int)[:30]
    values = {net.slug}
    for objs in objects.values():  # codes and tokens the network's objects carry
        for obj in objs:
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.CharField) and re.search(r"code|token|key|uid",
                                                                  f.name):
                    value = getattr(obj, f.name)
                    if value:
                        values.add(str(value))
    return sorted(values)[:30]


def resolver_paths(net: Network) -> list[str]:
    objects = _network_objects(net)
    paths = []
    for route, params in _routes(get_resolver().url_patterns):
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        choices = []
        for _conv, name in names:
            before = route.split(f"<{_conv + ':' if _conv else ''}{name}>", 1)[0]
            choices.append(_candidates(name, params.get(name, "str"), before, objects, net))
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
            path = route
            for (conv, name), value in zip(names, combo, strict=True):
                path = path.replace(f"<{conv + ':' if conv else ''}{name}>", value, 1)
            paths.append("/" + path)
    return paths


def openapi_paths(client: Client, net: Network) -> list[str]:
    schema = client.get("/api/openapi.json").json()
    objects = _network_objects(net)
    paths = []
    for template, ops in schema["paths"].items():
        if "get" not in ops:
            continue
        names = re.findall(r"{(\w+)}", template)
        choices = []
        for name in names:
            before = template.split("{" + name + "}", 1)[0]
            params = {p["name"]: p.get("schema", {}).get("type", "string")
                      for p in ops["get"].get("parameters", [])}
            conv = "int" if params.get(name) == "integer" else "str"
            choices.append(_candidates(name, conv, before, objects, net))
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
            path = template
            for name, value in zip(names, combo, strict=True):
                path = path.replace("{" + name + "}", value, 1)
            paths.append(path)
    return paths


_HREF = re.compile(r'''(?:href|src|action|data-url|data-src)\s*=\s*["']([^"']+)["']''')


def links(text: str) -> list[str]:
    out = []
    for raw in _HREF.findall(text):
        url = urldefrag(raw.replace("&amp;", "&"))[0]
        parts = urlsplit(url)
        if parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver"):
            if parts.path.startswith("/"):
                out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def crawl(client: Client, seeds: list[str], net: Network) -> dict[str, tuple[int, str]]:
    """GET every seed and every same-site link found, once; path -> (status, text)."""
    others = set(Network.objects.exclude(pk=net.pk).values_list("slug", flat=True))
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(dict.fromkeys(seeds))
    while queue and len(seen) < MAX_FETCHES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        if any(f"/n/{slug}/" in path for slug in others):
            continue
        response = client.get(path, follow=False)
        text = response_text(response)
        seen[path] = (response.status_code, text)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(response["Location"])
        if "html" in response.get("Content-Type", "") or "json" in response.get(
                "Content-Type", ""):
            queue.extend(p for p in links(text) if p not in seen)
    return seen


@pytest.mark.parametrize("viewer", ["viewer", "facil"])
def test_no_real_name_or_email_reaches_a_member(viewer: str, mailoutbox) -> None:
    """A member (and the facilitator, whom a pseudonymous-only network entitles to no real
    names either) sees pseudonyms only, wherever they look."""
    net, people = build_circle()
    me = people[viewer]
    client = Client()
    client.force_login(me.user)
    words = forbidden_words(viewer)

    seeds = ["/", f"/n/{SLUG}/", *resolver_paths(net), *openapi_paths(client, net)]
    fetched = crawl(client, seeds, net)
    found = {path: leaks(text, words) for path, (_s, text) in fetched.items()}
    assert {p: w for p, w in found.items() if w} == {}

    ok = {p for p, (status, _t) in fetched.items() if status == 200}
    q = Discussion.objects.get(title="Nights are hard")
    must_reach = {f"/n/{SLUG}/", f"/n/{SLUG}/discussions/", f"/n/{SLUG}/discussions/{q.pk}/",
                  "/digest/", f"/api/discuss/n/{SLUG}/topics", f"/api/discuss/n/{SLUG}/topics/"
                  f"{q.pk}"}
    assert must_reach <= ok, sorted(must_reach - ok)
    # The pages really show the people, by pseudonym: the check is not vacuous.
    topic = fetched[f"/n/{SLUG}/discussions/{q.pk}/"][1]
    assert all(p in topic for p in ("Willow", "Harbour", "Lantern"))
    assert len(ok) >= 15

    # The digest, as rendered and as sent, for everything the network ever held (the visit
    # of the crawl forgotten, so that nothing counts as seen already).
    Visit.objects.filter(person=me).delete()
    now = timezone.now()
    discuss.start_topic(net, people["quiet"], title="This week", body="Hello @Birch, @Lantern")
    digest = discuss_selectors.digest_for(me, now - timedelta(days=365), now + timedelta(
        seconds=1), horizon=timedelta(days=30))
    assert digest.count >= 3
    subject, text, html = render_digest(digest, Frequency.WEEKLY, "https://nw.example")
    assert leaks(subject + text + html, words) == []
    assert "Harbour" in text or "Willow" in text or "Sparrow" in text
    discuss.set_digest(me, Frequency.WEEKLY)
    send_digests(now + timedelta(days=7), base_url="https://nw.example",
                 frequencies=(Frequency.WEEKLY,))
    mine = [m for m in mailoutbox if m.to == [me.email]]
    assert mine and "This week" in mine[0].body
    for message in mine:
        body = message.subject + message.body + "".join(a[0] for a in message.alternatives)
        assert leaks(body, words) == []
