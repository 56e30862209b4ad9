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
from urllib.parse import unquote, urldefrag, urlsplit

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
from netweave.meet import services as meet_services
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
from netweave.weaving import services as weaving_services

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
    past = meet_services.create_event(net, title="Monthly circle",
                                      starts_at=now - timedelta(days=30),
                                      ends_at=now - timedelta(days=30, hours=-2),
                                      hosts=[people["facil"]], location="Community centre")
    upcoming = meet_services.create_event(net, title="Winter circle",
                                          starts_at=now + timedelta(days=3),
                                          ends_at=now + timedelta(days=3, hours=2),
                                          hosts=[people["helper"]], location="Library")
    for username in ("viewer", "asker", "helper", "quiet"):
        meet_services.rsvp(past, people[username], RsvpStatus.GOING, at=now - timedelta(days=35))
        meet_services.check_in(past, people[username], at=now - timedelta(days=30))
        meet_services.rsvp(upcoming, people[username], RsvpStatus.GOING)
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
    offer = weaving_services.add_offer(net, people["helper"], "Lifts to the hospital")
    need = weaving_services.add_need(net, people["asker"], "Someone to sit with my mother")
    exchange = weaving_services.record_exchange(net, giver=people["helper"],
                                                receiver=people["asker"],
                                                description="Drove to the clinic", offer=offer,
                                                need=need)
    weaving_services.confirm_exchange(exchange)
    weaving_services.introduce(net, introducer=people["facil"], person_a=people["asker"],
                               person_b=people["quiet"],
                               reasons="Both care for a parent with dementia.")
    weaving_services.tell_story(net, people["asker"], title="I slept", text="Thanks to Harbour.",
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
                net: Network, per_param: int = 30, extra_ints: tuple[str, ...] = ()) -> list[str]:
    """Values to try for the URL parameter ``name`` (``before``: the route's text before it):
    at most ``per_param`` of the network's own, and ``extra_ints`` for a number."""
    if converter == "slug" or name in ("slug", "network"):
        return [net.slug]
    hint = (name + " " + before.rstrip("/").rsplit("/", 1)[-1]).lower()
    if converter == "int":
        chosen = [objs for model, objs in objects.items() if model in hint
                  or (model.endswith("y") and model[:-1] + "ies" in hint)]
        pool = chosen[0] if chosen else list(itertools.chain(*objects.values()))
        return [*sorted({str(o.pk) for o in pool}, key=int)[:per_param], *extra_ints]
    values = {net.slug}
    for objs in objects.values():  # codes and tokens the network's objects carry
        for obj in objs:
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.CharField) and re.search(r"code|token|key|uid",
                                                                  f.name):
                    value = getattr(obj, f.name)
                    if value:
                        values.add(str(value))
    return sorted(values)[:per_param]


def resolver_paths(net: Network, **limits) -> list[str]:
    objects = _network_objects(net)
    paths = []
    for route, params in _routes(get_resolver().url_patterns):
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        choices = []
        for _conv, name in names:
            before = route.split(f"<{_conv + ':' if _conv else ''}{name}>", 1)[0]
            choices.append(_candidates(name, params.get(name, "str"), before, objects, net,
                                       **limits))
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
            path = route
            for (conv, name), value in zip(names, combo, strict=True):
                path = path.replace(f"<{conv + ':' if conv else ''}{name}>", value, 1)
            paths.append("/" + path)
    return paths


def openapi_paths(client: Client, net: Network, **limits) -> list[str]:
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
            choices.append(_candidates(name, conv, before, objects, net, **limits))
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


# --- the walk: every route x role x identity mode, with swapped person references ----------
#
# Issue 15: a person who exists only under a pseudonym must not be named, nor linked across
# networks, by any answer to anyone but themselves. Three networks share people: a public
# named network, a public pseudonymous-only network and a secret pseudonymous-only one.
# ``dual`` is named in the first and "NightOwl" in the second; ``shared`` is "SilverBirch"
# in the second and "QuietFox" in the secret one. Every person gets a global id no other
# number on a page can be mistaken for, so that a leaked id is found as surely as a name.

WALK_ID = 7010300
#: username -> (real name, e-mail, {network key: pseudonym or None for a named membership}).
WALK_PEOPLE = {
    "noranf": ("Nora Namedfac", "nora.namedfac@walk.example", {"named": None}),
    "milonm": ("Milo Namedmember", "milo.namedmember@walk.example", {"named": None}),
    "dorodl": ("Dorothea Doublelife", "dorothea.doublelife@walk.example",
               {"named": None, "pseudo": "NightOwl"}),
    "percyhf": ("Percival Hiddenfac", "percival.hiddenfac@walk.example", {"pseudo": "Lantern"}),
    "priscahm": ("Priscilla Hiddenmember", "priscilla.hm@walk.example", {"pseudo": "Birch"}),
    "sarahsf": ("Sarah Shadowfield", "sarah.shadowfield@walk.example",
                {"pseudo": "SilverBirch", "secret": "QuietFox"}),
    "sebsf": ("Sebastian Secretfac", "sebastian.secretfac@walk.example", {"secret": "Keeper"}),
    "stellasp": ("Stella Staffperson", "stella.staffperson@walk.example", {}),
    "oscarop": ("Oscar Outsideperson", "oscar.outsideperson@walk.example", {}),
}
WALK_NETS = {  # key -> (slug, visibility, identity mode, facilitator)
    "named": ("walk-named", Visibility.PUBLIC, IdentityMode.NAMED, "noranf"),
    "pseudo": ("walk-pseudo", Visibility.PUBLIC, IdentityMode.PSEUDONYMOUS_ONLY, "percyhf"),
    "secret": ("walk-secret", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "sebsf"),
}
#: The walk's roles in the network walked, by username (None: anonymous).
WALK_ROLES = {
    "named": {"anonymous": None, "outsider": "oscarop", "member": "milonm",
              "facilitator": "noranf", "staff": "stellasp"},
    "pseudo": {"anonymous": None, "outsider": "oscarop", "member": "priscahm",
               "facilitator": "percyhf", "staff": "stellasp"},
}
#: Query parameters that name a person; each is tried with every swapped reference.
PERSON_PARAMS = ("person", "a", "b", "person_a", "person_b")


def build_walk_world() -> tuple[dict[str, Network], dict[str, Person]]:
    """The three networks with events, attendance, topics, give-and-take, introductions,
    stories and a measured snapshot each (so that the map and drill-downs hold people)."""
    people = {}
    for i, (username, (name, email, _m)) in enumerate(WALK_PEOPLE.items(), start=1):
        staff = username == "stellasp"  # staff with every admin permission
        user = User.objects.create_user(username, email=email, password="x", is_staff=staff,
                                        is_superuser=staff)
        people[username] = Person.objects.create(pk=WALK_ID + i, user=user, name=name,
                                                 email=email)
    now = timezone.now()
    nets = {}
    for key, (slug, visibility, mode, fac) in WALK_NETS.items():
        net = domain.create_network(
            facilitator=people[fac], facilitator_pseudonym=WALK_PEOPLE[fac][2][key] or "",
            slug=slug, name=f"Walk {key}", purpose=f"The {key} network of the walk.",
            primary_type="practice", identity_mode=mode, visibility=visibility,
            at=now - timedelta(days=80))
        nets[key] = net
        members = [u for u, (_n, _e, m) in WALK_PEOPLE.items() if key in m and u != fac]
        for username in members:
            domain.join_network(net, people[username], pseudonym=WALK_PEOPLE[username][2][key]
                                or "", at=now - timedelta(days=70))
        everyone = [people[fac], *(people[u] for u in members)]
        past = meet_services.create_event(net, title=f"Walk gathering {key}",
                                          starts_at=now - timedelta(days=20),
                                          ends_at=now - timedelta(days=20, hours=-2),
                                          hosts=[people[fac]])
        upcoming = meet_services.create_event(net, title=f"Walk next {key}",
                                              starts_at=now + timedelta(days=5),
                                              ends_at=now + timedelta(days=5, hours=2),
                                              hosts=[everyone[-1]])
        for person in everyone:
            meet_services.rsvp(past, person, RsvpStatus.GOING, at=now - timedelta(days=25))
            meet_services.check_in(past, person, at=now - timedelta(days=20))
            meet_services.rsvp(upcoming, person, RsvpStatus.GOING)
        topic = discuss.start_topic(net, everyone[-1], title=f"Walk question {key}",
                                    body="Who knows a good meeting room?", is_question=True,
                                    at=now - timedelta(days=15))
        answer = discuss.reply(topic, people[fac], "The library.", at=now - timedelta(days=14))
        discuss.react(answer, everyone[-1], "🙏")
        for person in everyone[1:-1]:
            discuss.reply(topic, person, "Agreed.", parent=answer, at=now - timedelta(days=13))
        offer = weaving_services.add_offer(net, people[fac], f"Walk offer {key}")
        need = weaving_services.add_need(net, everyone[-1], f"Walk need {key}")
        exchange = weaving_services.record_exchange(net, giver=people[fac], receiver=everyone[-1],
                                                    description="Lent a room", offer=offer,
                                                    need=need)
        weaving_services.confirm_exchange(exchange)
        if len(everyone) > 2:
            weaving_services.introduce(net, introducer=people[fac], person_a=everyone[1],
                                       person_b=everyone[2], reasons="Both like rooms.")
        weaving_services.tell_story(net, everyone[-1], title=f"Walk story {key}", text="It helped.",
                                    cycle="applied")
        from netweave.dashboard.services import compute_snapshot
        compute_snapshot(net, "90")
        # An audit entry with the facilitator as actor (the network's audit API shows it).
        from netweave.trust.retention import DEFAULTS, set_policy
        set_policy(net, dict(DEFAULTS), user=people[fac].user)
    return nets, people


def walk_forbidden(viewer: str | None, path: str) -> list[tuple[str, re.Pattern]]:
    """(what, pattern) of everything of every pseudonymous member but ``viewer`` that must
    not appear at ``path``: real name (and its parts), username, e-mail and global id. A
    real name and e-mail also used in a named network are forbidden only on the pseudonymous
    networks' own pages and API answers."""
    pseudo_slugs = [slug for key, (slug, _v, mode, _f) in WALK_NETS.items()
                    if mode != IdentityMode.NAMED]
    on_pseudo_page = any(f"/{slug}/" in path or path.endswith(f"/{slug}") for slug in
                         pseudo_slugs)
    out = []
    for i, (username, (name, email, memberships)) in enumerate(WALK_PEOPLE.items(), start=1):
        if username == viewer or not any(memberships.values()):
            continue
        if None not in memberships.values() or on_pseudo_page:
            out += [(f"{username}'s name", re.compile(re.escape(part), re.I))
                    for part in {name, *name.split()}]
            out.append((f"{username}'s e-mail", re.compile(re.escape(email), re.I)))
        out += [(f"{username}'s username", re.compile(rf"(?<![\w.-]){username}(?![\w-])")),
                (f"{username}'s global id",
                 re.compile(rf"(?<![0-9A-Za-z]){WALK_ID + i}(?![0-9A-Za-z])"))]
    return out


def _person_refs(client: Client, slug: str) -> set[str]:
    """The person references the map of ``slug`` hands out (as its facilitator sees it)."""
    answer = client.get(f"/api/dashboard/networks/{slug}/map?days=90")
    return {str(i) for i in answer.json().get("ids", [])} if answer.status_code == 200 else set()


def _with_param(path: str, name: str, value: str) -> str:
    from urllib.parse import parse_qsl, urlencode
    base, _sep, query = path.partition("?")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != name]
    return f"{base}?{urlencode([*params, (name, value)])}"


def walk_urls(net: Network, nets: dict[str, Network], people: dict[str, Person]) -> list[str]:
    """Every GET route of the site and the API with parameters from ``net``'s objects, every
    link its facilitator and staff reach from there, and every person parameter among them
    (and the drill-down's) swapped with raw global ids and with other networks' references
    of every pseudonymous member."""
    insiders = [people[WALK_NETS[key][3]] for key in nets if nets[key] == net] + [
        people["stellasp"]]
    # Route parameters: a few of the network's own objects, and a pseudonymous member's id.
    limits = {"per_param": 3, "extra_ints": (str(people["dorodl"].pk),)}
    urls: dict[str, None] = {}
    for person in insiders:
        client = Client()
        client.force_login(person.user)
        seeds = ["/", net.get_absolute_url(), *resolver_paths(net, **limits),
                 *openapi_paths(client, net, **limits)]
        urls.update(dict.fromkeys(crawl(client, seeds, net)))
    facilitators = {key: Client() for key in nets}
    for key, client in facilitators.items():
        client.force_login(people[WALK_NETS[key][3]].user)
    swaps = {str(WALK_ID + i) for i in range(1, len(WALK_PEOPLE) + 1)}
    for key, other in nets.items():
        swaps |= _person_refs(facilitators[key], other.slug)
    from urllib.parse import urlencode
    now = timezone.now()
    drill = f"/n/{net.slug}/dashboard/activities/?" + urlencode(
        {"set": "all", "from": (now - timedelta(days=90)).isoformat(), "to": now.isoformat()})
    swapped = [_with_param(drill, "person", value) for value in sorted(swaps)]
    for url in urls:
        present = [p for p in PERSON_PARAMS if re.search(rf"[?&]{p}=", url)]
        swapped += [_with_param(url, p, v) for p in present for v in sorted(swaps)]
    urls.update(dict.fromkeys(swapped))
    return [u for u in urls if not u.startswith(SKIP_PREFIXES)]


@pytest.mark.parametrize("mode", ["named", "pseudo"])
def test_walk_no_pseudonymous_identity_leaves_any_route(mode: str) -> None:
    """Every route x role (anonymous, outsider, member, facilitator, staff) in a named and a
    pseudonymous network: no answer names a pseudonymous member, gives their username,
    e-mail or global id, or links them across networks."""
    nets, people = build_walk_world()
    net = nets[mode]
    urls = walk_urls(net, nets, people)
    assert len(urls) > 60, urls
    problems, fetched = [], 0
    for role, username in WALK_ROLES[mode].items():
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(people[username].user)
        for url in urls:
            response = client.get(url)
            fetched += 1
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: {response.status_code}")
                continue
            # What the request itself carries (a swapped id in the path or the query) may
            # come back: it tells the client nothing new.
            text = response_text(response)
            for sent in re.findall(r"[0-9]{6,}", unquote(url)):
                text = text.replace(sent, "")
            problems += [f"{role} GET {url}: {what}" for what, pattern in
                         walk_forbidden(username, url) if pattern.search(text)]
    assert not problems, f"{len(problems)} of {fetched} answers:\n" + "\n".join(
        sorted(set(problems))[:80])


def _drill(net: Network, person: str) -> str:
    from urllib.parse import urlencode
    now = timezone.now()
    return f"/n/{net.slug}/dashboard/activities/?" + urlencode(
        {"set": "all", "from": (now - timedelta(days=90)).isoformat(), "to": now.isoformat(),
         "person": person})


def test_the_drill_down_names_no_one_outside_its_network() -> None:
    """Issue 15: anonymous ``?person=<global id>`` on a public network's drill-down named a
    person who exists elsewhere only under a pseudonym. Now only this network's reference
    of someone it knows finds them; a global id or another network's reference is a 404."""
    from netweave.networks.selectors import person_ref

    nets, people = build_walk_world()
    anonymous = Client()
    keeper, shared = people["sebsf"], people["sarahsf"]
    for value in (str(keeper.pk), str(shared.pk), person_ref(nets["secret"], keeper.pk),
                  person_ref(nets["pseudo"], shared.pk), "p" + "a" * 16, "-1", "x"):
        response = anonymous.get(_drill(nets["named"], value))
        assert response.status_code == 404, value
        assert "Secretfac" not in response_text(response)
    # A member of the network, by this network's reference: named as the network shows them.
    own = anonymous.get(_drill(nets["pseudo"], person_ref(nets["pseudo"], shared.pk)))
    assert own.status_code == 200
    assert "SilverBirch" in own.content.decode() and "Shadowfield" not in own.content.decode()
    assert "QuietFox" not in own.content.decode()


def test_a_person_has_unrelated_references_in_two_networks(settings) -> None:
    """The same person is "SilverBirch" in one network and "QuietFox" in a secret one: the
    two references share nothing, carry no global id, and each resolves only in its own
    network. A new secret key keeps old references working while the old key is a fallback."""
    from django.core.cache import cache

    from netweave.networks.selectors import person_id_for_ref, person_ref

    nets, people = build_walk_world()
    shared = people["sarahsf"]
    in_pseudo, in_secret = person_ref(nets["pseudo"], shared.pk), person_ref(nets["secret"],
                                                                              shared.pk)
    assert in_pseudo != in_secret and str(shared.pk) not in in_pseudo + in_secret
    assert person_id_for_ref(nets["pseudo"], in_pseudo) == shared.pk
    assert person_id_for_ref(nets["secret"], in_secret) == shared.pk
    assert person_id_for_ref(nets["pseudo"], in_secret) is None
    assert person_id_for_ref(nets["named"], in_pseudo) is None
    assert person_id_for_ref(nets["named"], str(shared.pk)) is None

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "k" * 50
    cache.clear()
    assert person_ref(nets["pseudo"], shared.pk) != in_pseudo
    assert person_id_for_ref(nets["pseudo"], in_pseudo) == shared.pk


def test_staff_admin_rows_show_pseudonyms_not_real_names() -> None:
    """Issue 15: the admin's row checkboxes were labelled "… - Real Name @ event" beside the
    pseudonym, in the attendance, registration, reaction and introduction lists."""
    from netweave.networks.models import Attendance, Introduction, Reaction, Registration

    nets, people = build_walk_world()
    staff = Client()
    staff.force_login(people["stellasp"].user)
    pseudo = nets["pseudo"]
    rows = {
        "registration": Registration.objects.filter(event__network=pseudo),
        "attendance": Attendance.objects.filter(event__network=pseudo),
        "reaction": Reaction.objects.filter(post__discussion__network=pseudo),
        "introduction": Introduction.objects.filter(network=pseudo),
    }
    # Only pseudonymous: never a real name. Dorothea is named in the other network, so her
    # name may stand in the lists, but never on a row of the pseudonymous network.
    hidden = [people[u].name for u in ("percyhf", "priscahm", "sarahsf")]
    dual = people["dorodl"].name
    for model, objects in rows.items():
        assert objects.exists(), model
        pages = [(f"/admin/networks/{model}/", hidden)] + [
            (f"/admin/networks/{model}/{o.pk}/change/", [*hidden, dual]) for o in objects]
        for url, names in pages:
            response = staff.get(url)
            assert response.status_code == 200, url
            text = response.content.decode()
            assert not [n for n in names if n in text], url
            assert any(p in text for p in ("Lantern", "Birch", "NightOwl", "SilverBirch")), url
        for obj in objects:
            assert not [n for n in [*hidden, dual] if n in str(obj)], str(obj)
