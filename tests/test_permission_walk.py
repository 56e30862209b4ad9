"""Walk every page and API answer as every role, against public, closed, secret and
pseudonymous networks (issue 9).

The URLs are found, not listed: for each network, a crawl from its page as its facilitator
collects every same-site link, and the API's GET operations come from its OpenAPI schema.
Pages added later are covered without editing this test. For each URL and role:

- nothing answers with a server error;
- a secret network is indistinguishable from a network that does not exist for those
  outside it (same status as for a made-up slug, and its name appears nowhere);
- closed and secret networks' contents (member names, event and discussion titles, offers)
  appear to no one outside them;
- the real name and e-mail of a pseudonymous member appear to no one but that member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import (
    Identity,
    IdentityMode,
    Network,
    Person,
    Role,
    Visibility,
)
from netweave.weaving import services as weaving_services

pytestmark = pytest.mark.django_db

#: The most pages a crawl of one network follows (a safety bound, far above today's count).
CRAWL_LIMIT = 250
#: Paths the walk leaves alone: Django's admin (staff tooling with its own permission
#: system), logging out, switching language, static files and the API's docs page.
SKIP = re.compile(r"^/(admin/|accounts/logout|i18n/|static/|api/docs)")
#: Answers a GET may give: content, "being computed" (202), redirects, and refusals.
OK_STATUSES = {200, 202, 301, 302, 303, 400, 401, 403, 404, 405}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"a", "link"}:
            for name, value in attrs:
                if name == "href" and value:
                    self.found.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    local = []
    for href in parser.found:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not SKIP.match(parts.path):
            local.append(href)
    return local


@dataclass
class Net:
    network: Network
    facilitator: object  # the facilitator's user
    member: object
    observer: object
    #: Strings only those who see the network's contents may see.
    contents: list[str] = field(default_factory=list)
    #: Real names and e-mails of pseudonymous members: only they themselves may see them.
    hidden: dict[str, list[str]] = field(default_factory=dict)  # username -> strings


def _user(username: str, name: str, *, staff: bool = False):
    user = get_user_model().objects.create_user(
        username, f"{username}@mail.example", "walk-Password-2026", is_staff=staff)
    person = Person.objects.create(user=user, name=name, email=f"{username}@mail.example")
    return user, person


def _network(key: str, visibility: str, identity_mode: str) -> Net:
    pseudonymous = identity_mode == IdentityMode.PSEUDONYMOUS_ONLY
    fac_user, fac = _user(f"fac-{key}", f"Facilitator Realname {key.title()}")
    network = services.create_network(
        facilitator=fac, name=f"Walk network {key}", slug=f"walk-{key}",
        purpose=f"Purpose of the {key} walk network.", primary_type="practice",
        visibility=visibility, identity_mode=identity_mode,
        facilitator_pseudonym=f"Guide{key.title()}" if pseudonymous else "",
    )
    mem_user, mem = _user(f"mem-{key}", f"Memberreal Surname{key.title()}")
    obs_user, obs = _user(f"obs-{key}", f"Observerreal Surname{key.title()}")
    if pseudonymous:
        services.join_network(network, mem, pseudonym=f"Willow{key.title()}")
        services.join_network(network, obs, role=Role.OBSERVER, pseudonym=f"Fern{key.title()}")
    else:
        services.join_network(network, mem)
        services.join_network(network, obs, role=Role.OBSERVER)
    net = Net(network, fac_user, mem_user, obs_user)

    # A pseudonymous member in a network that merely allows pseudonyms, too.
    if identity_mode == IdentityMode.PSEUDONYMS_ALLOWED:
        pse_user, pse = _user(f"pse-{key}", f"Hiddenreal Person{key.title()}")
        services.join_network(network, pse, identity=Identity.PSEUDONYM,
                              pseudonym=f"Maple{key.title()}")
        net.hidden[pse_user.username] = [pse.name, pse.email]
        discuss_services.start_topic(network, pse, title=f"Maple asks {key}",
                                     body="A question under a pseudonym.")
    if pseudonymous:
        for user, person in ((fac_user, fac), (mem_user, mem), (obs_user, obs)):
            net.hidden[user.username] = [person.name, person.email]

    start = timezone.now() + timedelta(days=10)
    meet_services.create_event(network, title=f"Walk meeting {key}", starts_at=start,
                               ends_at=start + timedelta(hours=2), hosts=[fac])
    discussion = discuss_services.start_topic(network, mem, title=f"Walk topic {key}",
                                              body=f"Opening post {key}.")
    discuss_services.reply(discussion, fac, f"A reply in {key}.")
    weaving_services.add_offer(network, mem, f"Walk offer {key}: heat-pump advice")
    weaving_services.add_need(network, fac, f"Walk need {key}: a meeting room")
    weaving_services.introduce(network, introducer=fac, person_a=mem, person_b=obs,
                               reasons="You share an interest.")
    weaving_services.tell_story(network, mem, title=f"Walk story {key}", text="It helped.",
                                cycle="immediate")
    if visibility != Visibility.PUBLIC:
        net.contents = [f"Walk meeting {key}", f"Walk topic {key}", f"Walk offer {key}",
                        f"Walk story {key}"]
        if not pseudonymous:
            net.contents += [mem.name, obs.name]
    return net


@pytest.fixture
def world():
    nets = {
        "public": _network("public", Visibility.PUBLIC, IdentityMode.PSEUDONYMS_ALLOWED),
        "closed": _network("closed", Visibility.CLOSED, IdentityMode.NAMED),
        "secret": _network("secret", Visibility.SECRET, IdentityMode.NAMED),
        "pseudo": _network("pseudo", Visibility.CLOSED, IdentityMode.PSEUDONYMOUS_ONLY),
    }
    staff, _ = _user("staff", "Staffreal Person", staff=True)
    outsider, _ = _user("outsider", "Outsiderreal Person")
    return nets, staff, outsider


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _crawl(client: Client, start: str) -> list[str]:
    seen, queue = [], [start]
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue += [u for u in _links(response.content.decode()) if u not in seen]
    return seen


def _api_urls(client: Client, slug: str) -> list[str]:
    schema = client.get("/api/openapi.json").json()
    urls = []
    for path, operations in schema.get("paths", {}).items():
        if "get" not in operations:
            continue
        params = re.findall(r"{(\w+)}", path)
        if params == ["slug"]:
            urls.append(path.replace("{slug}", slug))
        elif not params:
            urls.append(path)
    return urls


def _roles(nets: dict[str, Net], staff, outsider, key: str) -> dict[str, object]:
    net = nets[key]
    other = next(n for k, n in nets.items() if k != key)
    return {
        "anonymous": None, "outsider": outsider, "other-member": other.member,
        "observer": net.observer, "member": net.member, "facilitator": net.facilitator,
        "staff": staff,
    }


def _body(response) -> str:
    content = getattr(response, "content", b"")
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else ""


@pytest.mark.parametrize("key", ["public", "closed", "secret", "pseudo"])
def test_every_url_as_every_role(world, key):
    nets, staff, outsider = world
    net = nets[key]
    slug = net.network.slug
    urls = _crawl(_client(net.facilitator), net.network.get_absolute_url())
    urls += [u for u in _api_urls(_client(net.facilitator), slug) if u not in urls]
    assert len(urls) > 3, urls
    insiders = {"observer", "member", "facilitator", "staff"}
    problems: list[str] = []
    for role, user in _roles(nets, staff, outsider, key).items():
        client = _client(user)
        for url in urls:
            response = client.get(url)
            status = response.status_code
            body = _body(response)
            if status not in OK_STATUSES:
                problems.append(f"{role} GET {url}: status {status}")
            entitled = role in insiders
            if key == "secret" and not entitled:
                ghost = client.get(url.replace(slug, "walk-no-such-network"))
                if slug in url and status != ghost.status_code:
                    problems.append(f"{role} GET {url}: {status}, but {ghost.status_code} "
                                    "for a network that does not exist")
                if net.network.name in body:
                    problems.append(f"{role} GET {url}: shows the secret network's name")
            if not entitled:
                problems += [f"{role} GET {url}: shows {text!r}"
                             for text in net.contents if text in body]
            for username, texts in net.hidden.items():
                if user is not None and user.username == username:
                    continue
                problems += [f"{role} GET {url}: shows pseudonymous {text!r}"
                             for text in texts if text in body]
    assert not problems, "\n".join(problems)


def test_a_secret_network_is_absent_from_lists_search_and_the_api_for_outsiders(world):
    nets, _staff, outsider = world
    secret = nets["secret"].network
    for user in (None, outsider, nets["closed"].member):
        client = _client(user)
        pages = _crawl(client, "/")
        for url in pages:
            assert secret.name not in _body(client.get(url)), url
        for url in _api_urls(client, "walk-public"):
            assert secret.name not in _body(client.get(url)), url
