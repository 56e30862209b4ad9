"""The charter wizard (start and revise), charter versions and their history, guidance and
the sharpness check on the web pages, and the directory of networks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.charters import finder, services
from netweave.charters.models import CharterVersion
from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services as network_services
from netweave.networks.models import Identity, Membership, Network, Person

pytestmark = pytest.mark.django_db

User = get_user_model()


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


def client_for(p: Person | None, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    if p is not None:
        client.force_login(p.user)
    return client


SHARP = {
    "name": "Heat pumps Zeist", "purpose": "Homeowners in Zeist who want a heat pump help each "
    "other choose installers, compare quotes and insulate first.",
    "expectations_bring": "One evening a month and your quotes.",
    "planned_activities": "Kick-off in the library in March.", "cadence": "Monthly",
    "focus_tags": ["heat pumps", "insulation"], "region": "Zeist",
    "primary_type": "interest", "mode": "offline_first",
}

STEP_DATA = {
    "purpose": {"name": "Heat pumps Zeist", "slug": "heat-pumps-zeist",
                "purpose": SHARP["purpose"], "goals": "100 heat pumps by 2028",
                "goal_date": "2028-01-01"},
    "commitments": {"expectations_bring": SHARP["expectations_bring"],
                    "expectations_get": "Honest advice from neighbours.",
                    "planned_activities": SHARP["planned_activities"], "cadence": "Monthly"},
    "focus": {"focus_tags": "heat pumps, insulation", "region": "Zeist",
              "primary_type": "action", "secondary_types": ["place"]},
    "setup": {"mode": "hybrid", "visibility": "public", "identity_mode": "named",
              "mix_residents": "60", "mix_business": "40"},
}


def walk(client: Client, data: dict | None = None) -> None:
    """Start the wizard and post each step (all answers valid)."""
    client.get(reverse("charters-start"))
    for step, answers in (data or STEP_DATA).items():
        response = client.post(reverse("charters-start-step", args=[step]), answers)
        assert response.status_code == 302, response.content.decode()[:3000]


def test_starting_a_network_through_the_wizard():
    founder = person("founder", "Fatima Founder")
    client = client_for(founder)
    walk(client)
    review = client.get(reverse("charters-start-step", args=["review"])).content.decode()
    assert 'data-rule="offline_kickoff"' in review and 'data-rule="online_rhythm"' in review
    assert 'data-rule="goal_with_date"' not in review  # the goal has a date
    assert "Why: Offline meetings matter most at the start" in review
    response = client.post(reverse("charters-start-step", args=["review"]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("charters-guidance", args=["heat-pumps-zeist"])
    net = Network.objects.get(slug="heat-pumps-zeist")
    assert (net.primary_type, net.secondary_types, net.focus_tags) == (
        "action", ["place"], ["heat pumps", "insulation"])
    assert net.target_mix == {"residents": 0.6, "business": 0.4}
    assert Membership.objects.get(network=net).person == founder
    version = CharterVersion.objects.get(network=net)
    assert (version.number, version.author, version.data["goal_date"]) == (1, founder,
                                                                           "2028-01-01")
    guidance = client.get(response["Location"]).content.decode()
    assert 'data-rule="offline_kickoff"' in guidance and "Why:" in guidance


def test_each_step_refuses_bad_input_with_a_clear_message_and_keeps_nothing():
    founder = person("founder")
    network_services.create_network(facilitator=founder, slug="taken", name="Taken",
                                    purpose="x", primary_type="place")
    client = client_for(founder)
    client.get(reverse("charters-start"))
    url = reverse("charters-start-step", args=["purpose"])
    page = client.post(url, {**STEP_DATA["purpose"], "slug": "taken"}).content.decode()
    assert "The short name “taken” is taken; choose another." in page
    page = client.post(reverse("charters-start-step", args=["setup"]),
                       {**STEP_DATA["setup"], "mix_business": "30"}).content.decode()
    assert "The target mix adds up to 90%" in page
    page = client.post(reverse("charters-start-step", args=["setup"]),
                       {**STEP_DATA["setup"], "identity_mode": "pseudonymous_only"}
                       ).content.decode()
    assert "Everyone takes part under a pseudonym here: choose yours." in page
    page = client.post(reverse("charters-start-step", args=["focus"]),
                       {**STEP_DATA["focus"],
                        "focus_tags": ",".join(f"t{i}" for i in range(11))}).content.decode()
    assert "At most 10 focus tags; you gave 11." in page
    # Nothing answered validly yet: the review sends the user back to the first step.
    response = client.get(reverse("charters-start-step", args=["review"]))
    assert response["Location"] == reverse("charters-start-step", args=["purpose"])
    assert Network.objects.count() == 1


def test_a_pseudonymous_network_starts_with_the_facilitator_pseudonym():
    founder = person("founder", "Real Name")
    client = client_for(founder)
    walk(client, {**STEP_DATA, "setup": {**STEP_DATA["setup"], "mix_residents": "",
                                         "mix_business": "", "mode": "online_only",
                                         "identity_mode": "pseudonymous_only",
                                         "facilitator_pseudonym": "Lantern"}})
    client.post(reverse("charters-start-step", args=["review"]), {})
    membership = Membership.objects.get(network__slug="heat-pumps-zeist")
    assert (membership.identity, membership.pseudonym) == (Identity.PSEUDONYM, "Lantern")


def test_the_wizard_needs_an_account():
    response = Client().get(reverse("charters-start"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def running():
    """A network created before versions were kept, with a pseudonymous facilitator."""
    founder = person("founder", "Real Founder Name")
    net = network_services.create_network(
        facilitator=founder, slug="buurt", name="Buurt", purpose="Groen in de wijk.",
        primary_type="place", region="Utrecht", identity_mode="pseudonyms_allowed",
        facilitator_pseudonym="Gardener", at=timezone.now() - timedelta(days=30))
    member = person("member")
    network_services.join_network(net, member)
    return {"net": net, "founder": founder, "member": member}


def test_revising_records_versions_and_the_history_shows_what_changed(running):
    net, founder = running["net"], running["founder"]
    client = client_for(founder)
    client.get(reverse("charters-revise", args=["buurt"]))
    for step, answers in {
        "purpose": {"name": "Buurt", "purpose": "Groen en moestuinen in de wijk."},
        "commitments": {"cadence": "Every two weeks"},
        "focus": {"focus_tags": "groen", "region": "Utrecht", "primary_type": "place"},
        "setup": {"mode": "hybrid", "visibility": "public",
                  "identity_mode": "pseudonyms_allowed"},
    }.items():
        response = client.post(reverse("charters-revise-step", args=["buurt", step]), answers)
        assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("charters-revise-step", args=["buurt", "review"]),
                           {"note": "Gardens became the heart of it"})
    assert response["Location"] == reverse("charters-guidance", args=["buurt"])
    versions = list(CharterVersion.objects.filter(network=net).order_by("number"))
    assert [(v.number, v.author) for v in versions] == [(1, None), (2, founder)]
    net.refresh_from_db()
    assert (net.purpose, net.cadence) == ("Groen en moestuinen in de wijk.", "Every two weeks")
    page = client_for(running["member"]).get(
        reverse("charters-history", args=["buurt"])).content.decode()
    assert "<ins>moestuinen </ins>" in page or "<ins>en moestuinen </ins>" in page
    assert "Gardens became the heart of it" in page
    assert "by Gardener" in page and "Real Founder Name" not in page


def test_only_facilitators_revise_and_secret_networks_stay_hidden(running):
    assert client_for(running["member"]).get(
        reverse("charters-revise", args=["buurt"])).status_code == 403
    secret = network_services.create_network(facilitator=running["founder"], slug="hidden",
                                             name="Hidden", purpose="x", primary_type="place",
                                             visibility="secret")
    outsider = client_for(person("outsider"))
    for name in ("charters-revise", "charters-history", "charters-guidance"):
        assert outsider.get(reverse(name, args=[secret.slug])).status_code == 404
    assert outsider.get(reverse("charters-revise-step",
                                args=[secret.slug, "purpose"])).status_code == 404


def test_revise_refuses_an_identity_change_that_members_break(running):
    net = running["net"]
    with pytest.raises(ValidationError, match="cannot switch to real names only"):
        services.revise_charter(net, author=running["founder"],
                                charter={"identity_mode": "named", "purpose": "Changed"})
    net.refresh_from_db()
    assert (net.purpose, net.identity_mode) == ("Groen in de wijk.", "pseudonyms_allowed")
    assert not CharterVersion.objects.filter(network=net).exists()
    with pytest.raises(ValidationError, match="Unknown charter fields: colour"):
        services.revise_charter(net, author=running["founder"], charter={"colour": "red"})


def test_network_nav_links(running):
    page = client_for(running["founder"]).get("/n/buurt/").content.decode()
    assert reverse("charters-revise", args=["buurt"]) in page
    assert reverse("charters-history", args=["buurt"]) in page
    page = client_for(running["member"]).get("/n/buurt/").content.decode()
    assert reverse("charters-revise", args=["buurt"]) not in page
    assert reverse("charters-history", args=["buurt"]) in page
    home = Client().get("/").content.decode()
    # Anonymous visitors are sent to sign up first, then on to the wizard.
    assert reverse("charters-directory") in home
    assert f'href="{reverse("charters-start")}"' not in home
    assert f'{reverse("signup")}?next={reverse("charters-start")}' in home
    page = client_for(person("staff", staff=True)).get("/n/buurt/").content.decode()
    assert reverse("charters-revise", args=["buurt"]) in page
    network_services.create_network(facilitator=running["founder"], slug="dicht",
                                    name="Dicht", purpose="x", primary_type="place",
                                    visibility="closed")
    page = client_for(running["member"]).get("/n/dicht/").content.decode()
    assert reverse("charters-history", args=["dicht"]) not in page


# --- guidance and sharpness on the pages: one charter per rule --------------------------

RULE_CASES = {
    "offline_kickoff": {"mode": "hybrid"},
    "offer_pseudonymity": {"primary_type": "circumstance", "mode": "online_only"},
    "online_rhythm": {"mode": "hybrid"},
    "goal_with_date": {"primary_type": "action"},
    "name_the_region": {"primary_type": "place", "region": ""},
    "practice_rhythm": {"primary_type": "practice", "cadence": ""},
}


def guidance_page(founder: Person, charter: dict, lang: str = "en", slug: str = "n1") -> str:
    net = network_services.create_network(facilitator=founder, slug=slug,
                                          **{**SHARP, **charter})
    return client_for(founder, lang).get(reverse("charters-guidance",
                                                 args=[net.slug])).content.decode()


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_each_guidance_rule_shows_on_the_guidance_page_with_its_reason(rule):
    page = guidance_page(person("founder"), RULE_CASES[rule])
    assert f'data-rule="{rule}"' in page
    assert page.count("Why: ") >= 1
    baseline = guidance_page_without(rule)
    assert f'data-rule="{rule}"' not in baseline


def guidance_page_without(rule: str) -> str:
    """A sharp offline-first interest network (after its kick-off when ``rule`` is the
    kick-off): no rule applies."""
    founder = Person.objects.get(user__username="founder")
    page = guidance_page(founder, {}, slug="n2")
    assert "data-rule=" in page  # the kick-off advice: the network has not met yet
    meet_services.check_in(meet_services.create_event(
        Network.objects.get(slug="n2"), title="Kick-off",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2)), founder)
    page = client_for(founder).get(reverse("charters-guidance", args=["n2"])).content.decode()
    assert "No particular advice for this charter." in page
    return page


FINDING_CASES = {
    "purpose_too_short": {"purpose": "Heat pumps in Zeist."},
    "purpose_too_generic": {"purpose": "Samenwerken, kennis delen en elkaar inspireren rond "
                                       "duurzaamheid en innovatie met verschillende partijen."},
    "no_focus_tags": {"focus_tags": []},
    "no_planned_activity": {"planned_activities": "", "cadence": ""},
    "no_expectation_bring": {"expectations_bring": ""},
    "too_many_types": {"secondary_types": ["action", "place"]},
}


@pytest.mark.parametrize("finding", sorted(FINDING_CASES))
def test_each_sharpness_finding_names_what_is_vague_on_the_page(finding):
    founder = person("founder")
    sharp = guidance_page(founder, {})
    assert "Nothing vague found" in sharp
    page = guidance_page(founder, FINDING_CASES[finding], slug="n2")
    assert f'data-finding="{finding}"' in page


def test_guidance_and_sharpness_in_dutch():
    page = guidance_page(person("founder"), {"focus_tags": [], "mode": "hybrid"}, lang="nl")
    assert "Plan eerst een startbijeenkomst op locatie." in page
    assert "Geen focustags: voeg twee tot vijf tags toe" in page
    assert "Waarom: " in page


# --- the directory -----------------------------------------------------------------------

@pytest.fixture
def listed():
    founder = person("founder")
    nets = [
        network_services.create_network(facilitator=founder, slug="warmte", name="Warmte",
                                         purpose="Warmtepompen voor huiseigenaren.",
                                         primary_type="action", focus_tags=["energie"],
                                         region="Zeist", mode="hybrid"),
        network_services.create_network(facilitator=founder, slug="tuin", name="Tuin",
                                         purpose="Moestuin in de wijk.", primary_type="place",
                                         secondary_types=["action"], region="Maastricht",
                                         mode="offline_first"),
        network_services.create_network(facilitator=founder, slug="geheim", name="Geheim",
                                         purpose="Warmtepompen, geheim.",
                                         primary_type="action", visibility="secret"),
    ]
    discuss_services.start_topic(nets[0], founder, title="Hello", body="Hi")
    return nets


def slugs_in(page: str) -> list[str]:
    import re

    return re.findall(r'data-slug="([^"]+)"', page)


def test_the_directory_searches_and_filters(listed):
    client = client_for(person("outsider"))
    url = reverse("charters-directory")
    assert slugs_in(client.get(url).content.decode()) == ["tuin", "warmte"]
    found = client.get(url, {"q": "heat pumps for homeowners"}).content.decode()
    assert slugs_in(found) == ["warmte"] and "Same topic in other words" in found
    assert slugs_in(client.get(url, {"type": "action"}).content.decode()) == ["tuin", "warmte"]
    assert slugs_in(client.get(url, {"type": "place"}).content.decode()) == ["tuin"]
    assert slugs_in(client.get(url, {"region": "Utrecht"}).content.decode()) == ["warmte"]
    assert slugs_in(client.get(url, {"tag": "Energie"}).content.decode()) == ["warmte"]
    assert slugs_in(client.get(url, {"mode": "offline_first"}).content.decode()) == ["tuin"]
    assert slugs_in(client.get(url, {"activity": "lively"}).content.decode()) == ["warmte"]
    assert slugs_in(client.get(url, {"activity": "dormant"}).content.decode()) == ["tuin"]
    assert slugs_in(client.get(url, {"mode": "nonsense"}).content.decode()) == ["tuin",
                                                                                  "warmte"]


def test_the_directory_shows_secret_networks_to_members_only(listed):
    url = reverse("charters-directory")
    assert "geheim" not in slugs_in(Client().get(url, {"q": "warmtepompen"}).content.decode())
    founder = Person.objects.get(user__username="founder")
    assert "geheim" in slugs_in(client_for(founder).get(url).content.decode())


def test_the_wizard_speaks_dutch_and_its_purpose_field_asks_the_overlap_finder():
    client = client_for(person("founder"), lang="nl")
    client.get(reverse("charters-start"))
    page = client.get(reverse("charters-start-step", args=["purpose"])).content.decode()
    assert "Stap 1: Doel en doelen" in page
    assert 'data-overlap="network"' in page and "charters/overlap.js" in page
    client.post(reverse("charters-start-step", args=["purpose"]), STEP_DATA["purpose"])
    client.post(reverse("charters-start-step", args=["commitments"]), STEP_DATA["commitments"])
    page = client.get(reverse("charters-start-step", args=["focus"])).content.decode()
    assert "Voorbeeld: wijkverpleegkundigen die elke maand samenkomen voor intervisie." in page
    # The primary type is not repeated among the others.
    client.post(reverse("charters-start-step", args=["focus"]),
                {**STEP_DATA["focus"], "secondary_types": ["action", "place"]})
    assert client.session["charters-draft:"]["secondary_types"] == ["place"]
