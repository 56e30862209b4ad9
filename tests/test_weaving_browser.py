"""Weave in a real headless Chromium against a live server, end to end.

A member adds a need, sees the right person suggested with reasons, the facilitator makes
the introduction from the weaving view, both answer the follow-up, and the exchange shows in
the network's reciprocity figures (METRICS.md 3, measured by the engine on the database).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import F
from django.utils import timezone

from conftest import log_in
from netweave.core.measure.data import Period
from netweave.core.measure.engine import measure
from netweave.dashboard.reading import read_network_data
from netweave.networks import services as ns
from netweave.networks.activity_log import database_url
from netweave.networks.models import Introduction, Network, Organisation, Person
from netweave.networks.selectors import person_ref
from netweave.weaving import services as weaving_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Weave-the-net-2026"
NEED = "Advice on heat pump subsidies"
OFFER = "I give advice on subsidies for heat pumps"


def account(username: str, name: str, org: Organisation | None = None) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email, organisation=org)


@pytest.fixture
def world(transactional_db) -> dict:
    gemeente = Organisation.objects.create(name="Gemeente Zuid", sector="government")
    installco = Organisation.objects.create(name="InstallCo", sector="business")
    fenna = account("fenna", "Fenna Bakker")
    anna = account("anna", "Anna de Vries", gemeente)
    bram = account("bram", "Bram Brouwer", installco)
    net = ns.create_network(facilitator=fenna, name="Warmtenet Zuid", slug="warmtenet-zuid",
                            purpose="Samen van het gas af.", primary_type="place")
    ns.join_network(net, anna)
    ns.join_network(net, bram)
    weaving_services.add_offer(net, bram, OFFER, tags=["subsidies", "heat pumps"])
    return {"net": net, "fenna": fenna, "anna": anna, "bram": bram}





def reciprocity(network: Network) -> dict:
    data = read_network_data(database_url(), network.pk)
    period = Period.ending(timezone.now() + timedelta(minutes=1), days=90)
    return measure(data, period).figures["reciprocity"]


def answer_follow_up(page, base: str, slug: str, username: str | None = None) -> None:
    from playwright.sync_api import expect

    if username is not None:
        log_in(page, base, username, PASSWORD)
    page.goto(f"{base}/n/{slug}/weave/")
    followup = page.locator("li.followup")
    expect(followup).to_have_count(1)
    followup.locator("input[value=yes][name$='-met']").check()
    followup.locator("input[value=yes][name$='-valuable']").check()
    followup.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Thank you for your answer.")
    expect(page.locator("li.followup")).to_have_count(0)


def test_need_suggestion_introduction_follow_up_and_reciprocity(live_server, new_page, world):
    from playwright.sync_api import expect

    base, slug = live_server.url, world["net"].slug
    # Pages name people by their reference in this network, never by a global id.
    anna_id, bram_id = (person_ref(world["net"], world[who].pk) for who in ("anna", "bram"))

    # Anna adds a need and is shown Bram, with the reasons spoken to her and no score.
    anna = new_page()
    log_in(anna, base, "anna", PASSWORD)
    anna.goto(f"{base}/n/{slug}/")
    anna.get_by_role("link", name="Give and take").first.click()
    anna.select_option("#add-item select[name=kind]", "need")
    anna.fill("#add-item input[name=text]", NEED)
    anna.fill("#add-item input[name=tags]", "subsidies, heat pumps")
    anna.click("#add-item button[type=submit]")
    first = anna.locator("#suggestions li.suggestion").first
    expect(first).to_have_attribute("data-person", str(bram_id))
    expect(first.locator("h3")).to_have_text("Bram Brouwer")
    expect(first.locator(".reasons")).to_contain_text(f"You seek “{NEED}”")
    expect(first.locator(".reasons")).to_contain_text("a bridge between sectors")
    expect(first.locator(".reasons")).to_contain_text("You don't know each other yet")
    expect(first).not_to_contain_text("Score")      # members never see a raw score
    ARTIFACTS.mkdir(exist_ok=True)
    anna.screenshot(path=str(ARTIFACTS / "weave-suggestions.png"), full_page=True)

    # The facilitator (in Dutch) introduces them from the weaving view.
    fenna = new_page("nl-NL")
    log_in(fenna, base, "fenna", PASSWORD)
    fenna.goto(f"{base}/n/{slug}/")
    fenna.get_by_role("link", name="Weven").first.click()
    expect(fenna.get_by_role("heading", name="Voorgestelde kennismakingen")).to_be_visible()
    pair = fenna.locator(f"li[data-pair='{anna_id}-{bram_id}'], "
                         f"li[data-pair='{bram_id}-{anna_id}']").first
    expect(pair.locator(".reasons")).to_contain_text("zoekt")
    pair.get_by_role("link", name="Stel ze aan elkaar voor").click()
    expect(fenna.locator("#introduce textarea[name=reasons]")).to_contain_text(NEED)
    fenna.click("#introduce button[type=submit]")
    expect(fenna.locator(".messages")).to_contain_text("De kennismaking is gemaakt")
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bram@example.org"]

    before = reciprocity(world["net"])
    assert before["ties"] == 2 and before["edge_reciprocity"] == 0.0   # Fenna -> both

    # Two weeks later both answer the follow-up: they met, and it was valuable.
    Introduction.objects.update(created_at=F("created_at") - timedelta(days=14))
    answer_follow_up(anna, base, slug)
    answer_follow_up(new_page(), base, slug, "bram")

    after = reciprocity(world["net"])
    assert after["ties"] == 4 and after["reciprocal_ties"] == 2
    assert after["edge_reciprocity"] == pytest.approx(0.5)
    assert after["reciprocal_members"] == before["reciprocal_members"] + 2

    fenna.reload()
    expect(fenna.locator("#outcomes")).to_contain_text(
        "Kennismakingen gemaakt: 1; beantwoord: 1; ontmoet: 1; waardevol: 1.")
    fenna.screenshot(path=str(ARTIFACTS / "weave-facilitator.png"), full_page=True)
