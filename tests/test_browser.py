"""The pages in a real headless Chromium (Playwright's sync API) against a live server.

Screenshots go to ``test-artifacts/`` at the repository root (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.models import IdentityMode, Network, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Weave-the-net-2026"


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def network(transactional_db) -> Network:
    """A member "anouk" with an account, in a network with a charter and an upcoming event."""
    user = get_user_model().objects.create_user("anouk", "anouk@example.org", PASSWORD)
    anouk = Person.objects.create(user=user, name="Anouk de Vries", email=user.email)
    facilitator = Person.objects.create(name="Fenna Bakker")
    net = services.create_network(
        facilitator=facilitator, name="Warmtenet Zuid", slug="warmtenet-zuid",
        purpose="Samen van het gas af, straat voor straat.",
        goals="Tien straten met een warmteplan in 2027.",
        expectations_bring="Een avond per maand en je eigen ervaring.",
        expectations_get="Advies van buren die het al deden.",
        planned_activities="Straatwandelingen en een jaarlijkse warmtemarkt.",
        cadence="Elke eerste dinsdag van de maand",
        focus_tags=["warmtepompen", "isolatie", "warmtenet"],
        region="Groningen-Zuid", primary_type="place", secondary_types=["action"],
        mode="offline_first", identity_mode=IdentityMode.PSEUDONYMS_ALLOWED,
        target_mix={"residents": 0.6, "government": 0.2, "business": 0.2},
    )
    services.join_network(net, anouk)
    start = (timezone.now() + timedelta(days=9)).replace(hour=18, minute=30, second=0,
                                                        microsecond=0)
    meet_services.create_event(net, title="Straatwandeling Oosterpoort", starts_at=start,
                               ends_at=start + timedelta(hours=2), mode="offline",
                               location="Buurthuis De Linde, Groningen")
    discuss_services.start_topic(net, anouk, title="Wie heeft ervaring met een hybride pomp?",
                                 body="Graag tips.", is_question=True)
    return net


def test_log_in_switch_to_dutch_and_read_a_network_page(live_server, page, network):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "anouk")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("form[action='/accounts/logout/'] button")).to_have_text("Log out")

    page.select_option("#language-select", "nl")
    page.click(".language-form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Netwerken")

    page.get_by_role("link", name="Warmtenet Zuid").click()
    page.wait_for_url(f"{live_server.url}{network.get_absolute_url()}")
    charter = page.locator("dl.charter")
    for label in ("Doel", "Doelen", "Wat leden inbrengen", "Wat leden krijgen",
                  "Geplande activiteiten", "Ritme", "Focuslabels", "Regio",
                  "Gemeenschapstypen", "Vorm", "Zichtbaarheid", "Naamgebruik",
                  "Beoogde mix van belanghebbenden"):
        expect(charter.locator("dt", has_text=label).first).to_be_visible()
    expect(page.get_by_role("heading", name="Handvest")).to_be_visible()
    expect(page.get_by_text("Samen van het gas af, straat voor straat.")).to_be_visible()
    expect(page.get_by_text("Plaats (primair)")).to_be_visible()
    expect(page.get_by_text("Bewoners: 60%")).to_be_visible()
    expect(page.get_by_role("heading", name="Komende bijeenkomsten")).to_be_visible()
    expect(page.get_by_text("Straatwandeling Oosterpoort")).to_be_visible()
    expect(page.locator(".member-list .you")).to_contain_text("Anouk de Vries (jij)")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "network-page-nl.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_fit_the_screen_in_both_languages(live_server, browser, network, width):
    """Home, network, log-in and sign-up pages, English and Dutch, desktop and phone: nothing
    sticks out sideways, the skip link comes first. Screenshots for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for language in ("en", "nl"):
        context = browser.new_context(viewport={"width": width, "height": 800},
                                      extra_http_headers={"Accept-Language": language})
        page = context.new_page()
        try:
            for name, path in (("home", "/"), ("network", network.get_absolute_url()),
                               ("login", "/accounts/login/"), ("signup", "/accounts/signup/")):
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name} ({language}, {width}px) overflows by {overflow}px"
                first = page.evaluate(
                    "document.querySelector('a[href], button, input:not([type=hidden]), select')"
                    ".getAttribute('href')")
                assert first == "#main", f"{name}: the skip link is not the first focusable"
                page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-{width}.png"),
                                full_page=True)
        finally:
            context.close()
