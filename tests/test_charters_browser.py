"""The charter wizard in a real headless Chromium: the overlap finder suggests an existing
network while the purpose is typed, without blocking, and the finished charter gets guidance.

Screenshots go to ``test-artifacts/`` at the repository root (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from netweave.charters import finder
from netweave.charters.models import CharterVersion
from netweave.discuss import services as discuss_services
from netweave.networks import services
from netweave.networks.models import Network, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Weave-the-net-2026"


@pytest.fixture
def page(browser) -> Iterator:
    finder.invalidate()
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
        finder.invalidate()


@pytest.fixture
def existing(transactional_db) -> Network:
    """A lively Dutch network about heat pumps, and a user "sam" with an account."""
    user = get_user_model().objects.create_user("sam", "sam@example.org", PASSWORD)
    Person.objects.create(user=user, name="Sam Jansen", email=user.email)
    founder = Person.objects.create(name="Fenna Bakker")
    net = services.create_network(
        facilitator=founder, name="Warmtepompen Zeist", slug="warmtepompen-zeist",
        purpose="Huiseigenaren helpen elkaar met warmtepompen en isolatie.",
        primary_type="action", focus_tags=["energie"], region="Zeist",
        at=timezone.now() - timedelta(days=200))
    for i in range(3):
        neighbour = Person.objects.create(name=f"Buur {i}")
        services.join_network(net, neighbour)
        discuss_services.start_topic(net, neighbour, title=f"Offerte {i}", body="Wie weet meer?",
                                     at=timezone.now() - timedelta(days=2))
    return net


def test_start_a_network_see_a_similar_one_continue_and_get_guidance(live_server, page,
                                                                      existing):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Start a network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a network")

    page.fill("#id_name", "Heat pump help")
    page.fill("#id_slug", "heat-pump-help")
    page.locator("#id_purpose").press_sequentially(
        "Helping homeowners with heat pumps and home insulation", delay=5)
    suggestion = page.locator(".overlap-suggestions .overlap-hit").first
    expect(suggestion.get_by_role("link")).to_have_text("Warmtepompen Zeist")
    expect(suggestion).to_contain_text("Same topic in other words")
    expect(suggestion).to_contain_text("3 active participants in the last 90 days")
    live = page.locator(".overlap-suggestions")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(page.locator("#id_purpose")).to_be_editable()  # never blocks the user
    page.screenshot(path=str(ARTIFACTS / "charters-wizard-overlap.png"), full_page=True)

    page.get_by_role("button", name="Continue").click()  # the user chooses to go on
    page.fill("#id_expectations_bring", "One evening a month and your own quotes.")
    page.fill("#id_planned_activities", "A kick-off in the library.")
    page.get_by_role("button", name="Continue").click()
    page.fill("#id_focus_tags", "heat pumps, insulation")
    page.fill("#id_region", "Houten")
    page.check("input[name=primary_type][value=interest]")
    expect(page.get_by_text("Example: amateur beekeepers")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.check("input[name=mode][value=hybrid]")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Guidance", exact=True)).to_be_visible()
    expect(page.locator("[data-rule=offline_kickoff]")).to_be_visible()
    expect(page.locator(".overlap-panel")).to_contain_text("Warmtepompen Zeist")
    page.get_by_role("button", name="Start the network").click()

    page.wait_for_url(f"{live_server.url}/n/heat-pump-help/charter/guidance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Guidance for Heat pump help")
    kickoff = page.locator("[data-rule=offline_kickoff]")
    expect(kickoff).to_contain_text("Plan an offline kick-off first.")
    expect(kickoff).to_contain_text("Why: Offline meetings matter most at the start")
    expect(page.locator("[data-rule=online_rhythm]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "charters-guidance.png"), full_page=True)
    assert Network.objects.get(slug="heat-pump-help").purpose.startswith("Helping homeowners")
    assert CharterVersion.objects.filter(network__slug="heat-pump-help").count() == 1
