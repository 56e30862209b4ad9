"""The overlap finder in the web app: a hand-built instance where the right answers are known,
through the database-backed index, the API and the CLI; secret networks stay secret."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from netweave.charters import finder
from netweave.discuss import services as discuss_services
from netweave.networks import services
from netweave.networks.models import Network, Person
from netweave.weaving import services as weaving_services

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/api/design/overlap"


@pytest.fixture(autouse=True)
def _fresh_index():
    finder.invalidate()
    yield
    finder.invalidate()


def person(username: str, name: str | None = None, *, staff: bool = False) -> Person:
    make = User.objects.create_superuser if staff else User.objects.create_user
    user = make(username, email=f"{username}@example.org", password="x-Weave-2026")
    return Person.objects.create(user=user, name=name or username.title(),
                                 email=f"{username}@example.org")


def network(facilitator: Person, slug: str, purpose: str, **charter) -> Network:
    charter.setdefault("name", slug.replace("-", " ").title())
    charter.setdefault("primary_type", "interest")
    return services.create_network(facilitator=facilitator, slug=slug, purpose=purpose,
                                   at=timezone.now() - timedelta(days=400), **charter)


def liven(net: Network, people: list[Person], *, days_ago: float) -> None:
    """Every person joins and posts in ``net`` ``days_ago`` days ago."""
    at = timezone.now() - timedelta(days=days_ago)
    for p in people:
        if not net.memberships.filter(person=p).exists():
            services.join_network(net, p, at=at - timedelta(days=1))
        discuss_services.start_topic(net, p, title=f"Hello from {p.name}", body="Hi", at=at)


@pytest.fixture
def instance():
    """Hand-built networks (and a discussion) with known overlaps."""
    founder = person("founder")
    crowd = [person(f"member{i}") for i in range(8)]
    nets = {
        "warmte": network(founder, "warmte-zeist",
                          "Warmtepompen en isolatie voor huiseigenaren: samen woningen "
                          "verduurzamen.", primary_type="action", focus_tags=["energie"]),
        "bike": network(founder, "bike-repair",
                          "Fietsen repareren met vrijwilligers in het buurthuis.",
                          primary_type="action"),
        "nurses-lively": network(founder, "nurses-peer-a",
                                 "Peer consultation for district nurses about difficult cases.",
                                 name="Nurses peer group", primary_type="practice"),
        "nurses-dormant": network(founder, "nurses-peer-b",
                                  "Peer consultation for district nurses about difficult "
                                  "cases.", name="Nurses peer group", primary_type="practice"),
        "garden-near": network(founder, "garden-amersfoort",
                               "Community garden with the neighbours.", name="Garden club",
                               primary_type="place", region="Amersfoort"),
        "garden-far": network(founder, "garden-maastricht",
                              "Community garden with the neighbours.", name="Garden club",
                              primary_type="place", region="Maastricht"),
        "secret": network(founder, "dementia-circle",
                          "Peer support for informal carers of a parent with dementia.",
                          name="Dementia circle", primary_type="circumstance",
                          visibility="secret"),
        "closed": network(founder, "closed-energy",
                          "Zonnepanelen op daken van scholen.", name="School roofs",
                          primary_type="action", visibility="closed"),
    }
    liven(nets["nurses-lively"], crowd, days_ago=3)
    liven(nets["nurses-dormant"], crowd[:1], days_ago=300)
    liven(nets["warmte"], crowd[:4], days_ago=5)
    discussion = discuss_services.start_topic(nets["closed"], founder,
                                              title="Who has solar panels on a flat school roof?",
                                              body="Tell us.",
                                              at=timezone.now() - timedelta(days=2))
    return {"founder": founder, "crowd": crowd, "nets": nets, "discussion": discussion}


def titles_and_slugs(found) -> list[str]:
    return [s.entry.network_slug for s in found]


def test_same_topic_in_dutch_ranks_first_for_an_english_draft(instance):
    outsider = person("outsider")
    found = finder.find_overlap(outsider.user, "Helping homeowners with heat pumps and "
                                "home insulation", k=5)
    assert titles_and_slugs(found)[0] == "warmte-zeist"
    reasons = " ".join(found[0].hit.reasons)
    assert "Same topic in other words" in reasons
    assert "4 active participants in the last 90 days" in reasons


def test_a_dormant_twin_ranks_below_a_lively_one(instance):
    found = finder.find_overlap(person("outsider").user,
                                "Peer consultation for district nurses", k=5)
    slugs = titles_and_slugs(found)
    assert slugs.index("nurses-peer-a") < slugs.index("nurses-peer-b")
    assert slugs[0] == "nurses-peer-a"
    assert found[0].item.active_participants == 8
    assert found[0].hit.score > found[1].hit.score


def test_a_distant_place_network_ranks_below_a_near_one(instance):
    found = finder.find_overlap(person("outsider").user, "A community garden for neighbours",
                                community_types=("place",), region="Utrecht", k=5)
    slugs = titles_and_slugs(found)
    assert slugs[:2] == ["garden-amersfoort", "garden-maastricht"]
    assert any("km away (Amersfoort)" in r for r in found[0].hit.reasons)


def test_a_secret_network_is_never_suggested_to_an_outsider(instance):
    draft = "Peer support for informal carers of a parent with dementia"
    for viewer in (person("outsider").user, None):
        assert "dementia-circle" not in titles_and_slugs(finder.find_overlap(viewer, draft))
    member = instance["crowd"][0]
    services.join_network(instance["nets"]["secret"], member)
    assert titles_and_slugs(finder.find_overlap(member.user, draft))[0] == "dementia-circle"
    staff = person("staff", staff=True)
    assert titles_and_slugs(finder.find_overlap(staff.user, draft))[0] == "dementia-circle"


def test_discussions_of_a_closed_network_are_shown_to_its_members_only(instance):
    draft = "Solar panels on a flat roof of the school"
    outsider = person("outsider")
    assert finder.find_overlap(outsider.user, draft, kinds=("discussion",)) == []
    found = finder.find_overlap(instance["founder"].user, draft, kinds=("discussion",))
    assert [s.entry.id for s in found] == [instance["discussion"].pk]


def test_the_api_returns_hits_with_reasons_and_live_figures(instance):
    client = Client()
    client.force_login(person("outsider").user)
    response = client.get(URL, {"text": "Warmtepompen voor huiseigenaren", "kind": "network"})
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "network" and data["heading"]
    top = data["hits"][0]
    assert top["network_slug"] == "warmte-zeist"
    assert top["url"] == "/n/warmte-zeist/"
    assert top["active_participants"] == 4
    assert 4 <= top["days_since_last_contribution"] <= 6
    assert any(r.startswith("Similar words") for r in top["reasons"])


def test_the_api_speaks_dutch_to_a_dutch_user(instance):
    client = Client(headers={"accept-language": "nl"})
    client.force_login(person("outsider").user)
    data = client.get(URL, {"text": "Warmtepompen voor huiseigenaren"}).json()
    assert "actieve deelnemers" in " ".join(data["hits"][0]["reasons"])


def test_the_api_hides_secret_networks_and_404s_their_slug(instance):
    client = Client()
    client.force_login(person("outsider").user)
    data = client.get(URL, {"text": "Peer support for informal carers of a parent with "
                                    "dementia"}).json()
    assert "dementia-circle" not in [h["network_slug"] for h in data["hits"]]
    assert client.get(URL, {"text": "x", "network": "dementia-circle"}).status_code == 404


def test_the_api_with_a_network_uses_its_charter_and_skips_itself(instance):
    client = Client()
    client.force_login(instance["founder"].user)
    data = client.get(URL, {"text": "Community garden with the neighbours",
                            "network": "garden-amersfoort"}).json()
    slugs = [h["network_slug"] for h in data["hits"]]
    assert "garden-amersfoort" not in slugs
    assert slugs[0] == "garden-maastricht"
    assert any("km away" in r for r in data["hits"][0]["reasons"])


def test_the_api_refuses_bad_input_with_a_clear_message(instance):
    client = Client()
    client.force_login(person("outsider").user)
    response = client.get(URL, {"text": "garden", "type": "garden"})
    assert response.status_code == 400
    assert "Unknown community type “garden”" in response.json()["detail"]
    assert client.get(URL, {"text": "x" * 2001}).status_code == 400
    assert client.get(URL, {"text": "garden", "kind": "pub"}).status_code == 422
    assert Client().get(URL, {"text": "garden"}).status_code == 401


def test_the_api_schema_is_typed():
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/design/overlap"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"text", "kind", "network", "tags", "region", "type"} <= names
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/OverlapOut")


def test_the_index_is_rebuilt_when_networks_change_or_after_its_ttl(instance, monkeypatch):
    viewer = person("outsider").user
    draft = "Beekeeping with amateur beekeepers"
    assert finder.find_overlap(viewer, draft) == []
    bees = network(instance["founder"], "bees", "Amateur beekeepers share their beekeeping.")
    assert titles_and_slugs(finder.find_overlap(viewer, draft)) == ["bees"]
    before = finder.find_overlap(viewer, draft)[0].item.active_participants
    liven(bees, instance["crowd"][:2], days_ago=1)  # posts: the index is dropped too
    after = finder.find_overlap(viewer, draft)[0].item.active_participants
    assert (before, after) == (0, 2)
    services.join_network(bees, instance["crowd"][3])  # no signal: TTL only
    weaving_services.add_offer(bees, instance["crowd"][3], "Honey")
    monkeypatch.setattr(finder, "TTL_SECONDS", 0.0)
    assert finder.find_overlap(viewer, draft)[0].item.active_participants == 3


def test_the_cli_prints_hits_with_reasons(instance, capsys):
    call_command("overlap", "Heat pumps for homeowners", "--top", "2")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("1. Warmte Zeist (score ")
    assert "   - Same topic in other words" in out


def test_the_cli_json_and_user_view(instance, capsys):
    draft = "Peer support for informal carers of a parent with dementia"
    call_command("overlap", draft, "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["network"] == "dementia-circle"  # the operator sees everything
    person("outsider")
    call_command("overlap", draft, "--json", "--user", "outsider")
    rows = json.loads(capsys.readouterr().out)
    assert "dementia-circle" not in [r["network"] for r in rows]
    call_command("overlap", "Solar panels on a flat school roof", "--kind", "discussion",
                 "--json", "--lang", "nl")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["kind"] == "discussion" and rows[0]["network"] == "closed-energy"


def test_the_cli_refuses_bad_arguments():
    with pytest.raises(CommandError, match="unknown community type 'pub'"):
        call_command("overlap", "x", "--type", "pub")
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("overlap", "x", "--user", "nobody")
    with pytest.raises(CommandError, match="--top must be 1 or more"):
        call_command("overlap", "x", "--top", "0")


def test_a_discussion_draft_in_a_network_finds_its_like_not_all_its_discussions(instance):
    net, founder = instance["nets"]["warmte"], instance["founder"]
    twin = discuss_services.start_topic(net, founder, title="Which installer for a heat pump?",
                                        body="Tips?")
    client = Client()
    client.force_login(founder.user)
    data = client.get(URL, {"text": "Good installer for heat pumps", "kind": "discussion",
                            "network": "warmte-zeist"}).json()
    assert [h["id"] for h in data["hits"]] == [twin.pk]
    assert data["hits"][0]["url"] == f"/n/warmte-zeist/discussions/{twin.pk}/"
    assert data["hits"][0]["network_name"] == "Warmte Zeist"
    # The network's focus tag ("energie") is no word of its discussions' titles.
    data = client.get(URL, {"text": "Energie besparen", "kind": "discussion"}).json()
    assert data["hits"] == []


def test_a_network_added_without_signals_shows_at_once(instance):
    """As when another process adds one: bulk_create sends no save signal."""
    viewer = person("outsider").user
    draft = "Amateur beekeepers share their beekeeping"
    assert finder.find_overlap(viewer, draft) == []
    Network.objects.bulk_create([Network(name="Bees", slug="bees", primary_type="interest",
                                         purpose="Amateur beekeepers share their honey.")])
    assert titles_and_slugs(finder.find_overlap(viewer, draft)) == ["bees"]
