"""The report in a real headless Chromium (Playwright), as a file and as a page of the app.

The demo network's report, opened from ``file://`` with no network access, shows the health
card, the plots and the network map; so does ``/n/<slug>/report/`` through the live server.
Screenshots go to ``test-artifacts/`` (git-ignored) for a human to look at.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from netweave.core.demo import MAIN_SLUG
from netweave.networks.demo_loader import load_demo_networks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def demo(transactional_db):
    return load_demo_networks()


def check_report(page, name: str) -> None:
    """Health card, at least three plots drawn by plotly, and the map, all visible."""
    from playwright.sync_api import expect

    expect(page.locator("#card-h")).to_be_visible()
    indicators = page.locator("#card .indicator")
    assert indicators.count() >= 10
    expect(indicators.first).to_be_visible()
    expect(indicators.first.locator(".light")).to_be_visible()
    expect(page.locator("#card .lifecycle")).to_be_visible()
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 7")
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 3
    for key in ("activity", "participants", "retention"):
        chart = page.locator(f"#plot-{key}.js-plotly-plot")
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        assert chart.locator(".main-svg").count() >= 1
    network_map = page.locator("#plot-map.js-plotly-plot")
    network_map.scroll_into_view_if_needed()
    expect(network_map).to_be_visible()
    box = network_map.bounding_box()
    assert box is not None and box["height"] > 300
    # the map's points are drawn (WebGL) and its legend lists the sectors
    assert network_map.locator("canvas").count() >= 1
    expect(network_map.locator(".legendtext", has_text="Government")).to_be_visible()
    # colour by cluster: the sector traces hide, the cluster traces show
    page.locator("input[name=map-colour][value=cluster]").check()
    expect(network_map.locator(".legendtext", has_text="Cluster 1")).to_be_visible()
    expect(network_map.locator(".legendtext", has_text="Government")).to_have_count(0)
    page.locator("input[name=map-colour][value=sector]").check()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    network_map.screenshot(path=str(ARTIFACTS / f"{name}-map.png"))


def test_the_demo_report_file_shows_card_plots_and_map_offline(demo, browser, tmp_path):
    out = StringIO()
    call_command("report", network=MAIN_SLUG, out=tmp_path / "report", no_progress=True,
                 lang="en", stdout=out)
    url = (tmp_path / "report" / "report.html").as_uri()
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
        try:
            page.goto(url)
            check_report(page, f"report-demo-{width}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the report overflows by {overflow}px at {width}px"
        finally:
            context.close()
        assert not errors, errors
        assert [r for r in requests if not r.startswith(("file:", "data:", "blob:"))] == []


def test_the_report_page_of_the_app(demo, live_server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_server.url}/n/{MAIN_SLUG}/")
        expect(page.get_by_role("heading", name="Health card")).to_be_visible()
        expect(page.locator(".health-card .indicator").first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "network-page-card.png"), full_page=True)
        page.get_by_role("link", name="Full report").click()
        page.wait_for_url(f"{live_server.url}/n/{MAIN_SLUG}/report/")
        check_report(page, "report-page")
    finally:
        context.close()
