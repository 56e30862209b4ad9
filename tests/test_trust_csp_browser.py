"""The content security policy in a real Chromium: the site's pages, the report page and the
dashboards draw without a single CSP violation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from netweave.core.demo import MAIN_SLUG
from netweave.networks.demo_loader import load_demo_networks
from netweave.networks.models import Membership, Role

pytestmark = pytest.mark.browser

PAGES = [("home", []), ("network-detail", [MAIN_SLUG]), ("network-report", [MAIN_SLUG]),
         ("trust-tokens", []), ("trust-privacy", []), ("trust-audit", []),
         ("dashboard-network", [MAIN_SLUG]), ("dashboard-map", [MAIN_SLUG]),
         ("dashboard-member", [MAIN_SLUG])]


@pytest.fixture
def facilitator_session(transactional_db):
    load_demo_networks(people=30, months=3, events=4, seed=11)
    membership = Membership.objects.filter(network__slug=MAIN_SLUG, role=Role.FACILITATOR,
                                           person__user__isnull=False).first()
    user = membership.person.user
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_pages_draw_without_csp_violations(browser, live_server, facilitator_session):
    context = browser.new_context()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": facilitator_session,
                          "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    visited: list[str] = []
    for name, args in PAGES:
        try:
            url = live_server.url + reverse(name, args=args)
        except NoReverseMatch:
            continue  # an app that is not there yet
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, response and
                                                                  response.status)
        assert response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        visited.append(name)
    assert violations == []
    # The policy is enforced: an injected inline script does not run, and is reported.
    page.goto(live_server.url + reverse("home"))
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("() => { const s = document.createElement('script');"
                      " s.textContent = 'window.injected = 1'; document.head.appendChild(s); }")
    assert page.evaluate("() => window.injected === undefined")
    context.close()
    assert len(violations) == 1 and "script-src" in violations[0]
    assert {"home", "network-detail", "network-report", "trust-tokens"} <= set(visited)
