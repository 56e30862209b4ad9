"""The dashboard pages in a real headless Chromium against a live server, in English and
Dutch: the period picker, the map (search a person, open their card), screenshots under
``test-artifacts/`` and an axe-core accessibility check (no serious or critical violations).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from netweave.networks.demo_loader import load_demo_networks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SLUG = "energieregio-rivierenland"
PASSWORD = "netweave-demo"
#: A translated heading of the dashboard per language.
MONTHLY = {"en": "Month by month", "nl": "Maand voor maand"}
LAST_365 = {"en": "Last 365 days", "nl": "Laatste 365 dagen"}


@pytest.fixture
def demo(transactional_db):
    networks = load_demo_networks(people=50, months=10)
    get_user_model().objects.filter(username="facilitator").update(is_staff=True)
    return networks


def _page(browser, live_server, lang: str, *, width: int = 1280, height: int = 900) -> Iterator:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="en-GB" if lang == "en" else "nl-NL")
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "facilitator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def _wait_for_map(page) -> None:
    page.wait_for_selector("#map[data-ready='1']")


def _open_every_page(page, live_server, lang: str) -> None:
    """Dashboard (with its charts and their text alternatives), map, drill-down, member
    view and host view, each with a screenshot."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/n/{SLUG}/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#charts-heading")).to_have_text(MONTHLY[lang])
    assert page.locator(".indicators .indicator").count() >= 3
    page.wait_for_function("document.querySelectorAll('.chart.js-plotly-plot').length >= 7")
    # every chart has a text alternative: a summary and a data table
    assert page.locator(".chart-summary").count() == page.locator(".chart").count()
    assert page.locator(".chart-table table").count() == page.locator(".chart").count()
    expect(page.locator(".freshness")).to_contain_text(str(timezone.localdate().year))
    _shot(page, f"network-{lang}")

    # drill-down from the first indicator of the health card
    page.locator(".indicators .indicator h3 a").first.click()
    page.wait_for_url("**/dashboard/activities/**")
    assert page.locator("table.activities tbody tr").count() >= 1
    _shot(page, f"activities-{lang}")

    page.goto(f"{live_server.url}/n/{SLUG}/dashboard/map/")
    _wait_for_map(page)
    _shot(page, f"map-{lang}")

    page.goto(f"{live_server.url}/n/{SLUG}/dashboard/me/")
    page.wait_for_function("document.querySelectorAll('.chart.js-plotly-plot').length >= 1")
    _shot(page, f"member-{lang}")

    page.goto(f"{live_server.url}/dashboard/networks/")
    assert page.locator(".host-table tbody tr").count() == 2
    page.locator(".host-table thead th a").nth(3).click()  # sort by active people
    page.wait_for_url("**sort=active**")
    _shot(page, f"host-{lang}")


def test_every_page_in_english_and_the_period_picker(browser, live_server, demo):
    from playwright.sync_api import expect

    context, page = _page(browser, live_server, "en")
    try:
        _open_every_page(page, live_server, "en")
        page.goto(f"{live_server.url}/n/{SLUG}/dashboard/")
        # period picker: the last 365 days
        page.get_by_label(LAST_365["en"]).check()
        page.locator(".period-picker button[type=submit]").click()
        page.wait_for_url("**days=365**")
        expect(page.get_by_label(LAST_365["en"])).to_be_checked()
        page.wait_for_function("document.querySelectorAll('.chart.js-plotly-plot').length >= 7")
        # a custom period: the date fields come alive when it is chosen
        expect(page.locator("#period-start")).to_be_disabled()
        page.locator("input[name=days][value=custom]").check()
        expect(page.locator("#period-start")).to_be_enabled()
        # three whole months inside the demo's ten, ending two months before this one
        month = timezone.localdate().replace(day=1)
        first, last = month - relativedelta(months=5), month - relativedelta(months=2, days=1)
        page.fill("#period-start", first.isoformat())
        page.fill("#period-end", last.isoformat())
        page.locator(".period-picker button[type=submit]").click()
        page.wait_for_url(f"**start={first.isoformat()}**")
        expect(page.locator("input[name=days][value=custom]")).to_be_checked()
        page.wait_for_function("document.querySelectorAll('.chart.js-plotly-plot').length >= 7")
        _shot(page, "network-custom-en")
    finally:
        context.close()


def test_every_page_in_dutch_and_on_a_phone(browser, live_server, demo):
    from playwright.sync_api import expect

    context, page = _page(browser, live_server, "nl")
    try:
        _open_every_page(page, live_server, "nl")
        page.goto(f"{live_server.url}/n/{SLUG}/dashboard/?days=365")
        expect(page.get_by_label(LAST_365["nl"])).to_be_checked()
        page.set_viewport_size({"width": 375, "height": 740})
        for path, name in ((f"/n/{SLUG}/dashboard/", "network"),
                           (f"/n/{SLUG}/dashboard/map/", "map")):
            page.goto(f"{live_server.url}{path}")
            if name == "map":
                _wait_for_map(page)
            else:
                page.wait_for_function(
                    "document.querySelectorAll('.chart.js-plotly-plot').length >= 7")
            # nothing wider than the screen: no sideways scrolling of the page
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375 + 1, f"{name}: the page is {width} px wide on a 375 px phone"
            _shot(page, f"phone-{name}-nl")
    finally:
        context.close()


def test_map_search_a_person_open_their_card_and_move_the_time_slider(browser, live_server,
                                                                      demo):
    from playwright.sync_api import expect

    context, page = _page(browser, live_server, "en")
    try:
        page.goto(f"{live_server.url}/n/{SLUG}/dashboard/map/")
        _wait_for_map(page)
        name = page.locator("#map-names option").nth(3).get_attribute("value")
        assert name
        page.fill("#map-search", name)
        page.press("#map-search", "Enter")
        card = page.locator("#person-card")
        expect(card).to_be_visible()
        expect(page.locator("#person-card-name")).to_have_text(name)
        expect(page.locator("#person-card-facts")).to_contain_text("Coreness")
        _shot(page, "map-card-en")
        # the card's link lists that person's activities
        page.locator("#person-card-link").click()
        page.wait_for_url("**person=**")
        expect(page.locator("main")).to_contain_text(name)

        # keyboard: the map as a table; Enter on a name opens the card and focuses it
        page.goto(f"{live_server.url}/n/{SLUG}/dashboard/map/")
        _wait_for_map(page)
        page.locator(".map-table summary").click()
        button = page.locator("#map-table tbody button").first
        other = button.inner_text()
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#person-card-name")).to_have_text(other)
        expect(card).to_be_focused()

        # the time slider goes back to the first month and forward again
        slider = page.locator("#map-time")
        first = page.locator("#map-time-label").inner_text()
        slider.focus()
        page.keyboard.press("Home")
        expect(page.locator("#map-time-label")).not_to_have_text(first)
        page.keyboard.press("End")
        expect(page.locator("#map-time-label")).to_have_text(first)

        # colour by cluster, size by brokerage
        page.select_option("#map-colour", "cluster")
        page.select_option("#map-size", "betweenness")
        _shot(page, "map-clusters-en")
    finally:
        context.close()


def test_no_serious_accessibility_violations(browser, live_server, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page = _page(browser, live_server, "en")
    try:
        problems = []
        activities = (f"/n/{SLUG}/dashboard/activities/?set=contributions"
                      f"&from=2000-01-01T00:00:00%2B00:00&to=2100-01-01T00:00:00%2B00:00")
        for path in (f"/n/{SLUG}/dashboard/", f"/n/{SLUG}/dashboard/map/",
                     f"/n/{SLUG}/dashboard/me/", "/dashboard/networks/", activities):
            page.goto(f"{live_server.url}{path}")
            if "map" in path:
                _wait_for_map(page)
            page.wait_for_load_state("networkidle")
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    problems.append(f"{path}: {violation['id']} ({violation['impact']}): "
                                    f"{violation['help']} at "
                                    f"{[n['target'] for n in violation['nodes'][:3]]}")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
