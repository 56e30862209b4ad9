"""Discussions in a real headless Chromium against a live server: a member asks a question,
another replies (threaded under the question), the asker accepts the answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model

from netweave.core import activity as act
from netweave.networks import services
from netweave.networks.models import Activity, Discussion, Person, Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Weave-the-net-2026"


def _member(username: str, name: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email)


@pytest.fixture
def people(transactional_db) -> dict[str, Person]:
    asker, helper = _member("ask", "Aisha Asker"), _member("help", "Hugo Helper")
    net = services.create_network(facilitator=Person.objects.create(name="Fenna Bakker"),
                                  name="Warmtenet Zuid", slug="warmtenet-zuid",
                                  purpose="Samen van het gas af.", primary_type="place")
    services.join_network(net, asker)
    services.join_network(net, helper)
    return {"asker": asker, "helper": helper}


@pytest.fixture
def context(browser) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        yield ctx
    finally:
        ctx.close()


def _log_in(ctx, base: str, username: str):
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_ask_reply_accept(browser, context, live_server, people) -> None:
    base = live_server.url
    page = _log_in(context, base, "ask")
    page.goto(f"{base}/n/warmtenet-zuid/discussions/")
    page.click("text=New topic")
    title = page.locator("input[name=title]")
    assert title.get_attribute("data-overlap") == "discussion"
    title.fill("Which heat pump for a 1930s house?")
    page.fill("textarea[name=body]", "We have **single glazing**. <script>window.pwned=1"
                                     "</script> Ideas, @Hugo Helper?")
    page.check("input[name=is_question]")
    page.click("#topic-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Which heat pump for a 1930s house?')")
    assert page.evaluate("window.pwned === undefined")
    assert page.inner_html(".post-body strong") == "single glazing"
    assert page.inner_text(".mention") == "@Hugo Helper"
    discussion = Discussion.objects.get()

    other = browser.new_context(locale="en-GB")
    try:
        helper = _log_in(other, base, "help")
        helper.goto(f"{base}/n/warmtenet-zuid/discussions/{discussion.pk}/")
        helper.click("details.reply-box summary")
        helper.fill("details.reply-box textarea[name=body]", "An air-to-water pump after "
                                                             "insulating the roof.")
        helper.click("details.reply-box button[type=submit]")
        helper.wait_for_selector("text=An air-to-water pump")
    finally:
        other.close()
    answer = Post.objects.get(parent__isnull=False)

    page.reload()
    item = page.locator(f"#post-{answer.pk}")
    assert "Hugo Helper" in item.locator(".post-author").inner_text()
    # The reply is threaded under the opening post.
    assert page.locator(f".posts > li > .replies > #post-{answer.pk}").count() == 1
    item.locator("button.accept-button").click()
    page.wait_for_selector(f"#post-{answer.pk}.accepted")
    assert "Accepted answer" in page.locator(f"#post-{answer.pk}").inner_text()
    discussion.refresh_from_db()
    assert discussion.accepted_answer_id == answer.pk
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {act.ASK, act.ANSWER} <= kinds
