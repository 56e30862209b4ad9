"""The give-and-take loop in a real headless Chromium against a live server (issue 17):
meet → introduce → a private conversation → the follow-up after the delay (the clock moved
15 days) → a value story → the health card's "Realised-value stories" moves.

The live server runs in a thread of this process, so moving the session's clock with
time-machine moves it for the server too. The dashboard recomputes its snapshot as it does
in use: the one from before the story is then 15 days old, older than its maximum age.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import log_in
from netweave.discuss.models import PrivateMessage
from netweave.meet import services as meet_services
from netweave.networks import services as ns
from netweave.networks.models import Attendance, Person, ValueStory
from netweave.networks.selectors import person_ref

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Weave-the-net-2026"
SLUG = "warmtenet-zuid"


def account(username: str, name: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email)


@pytest.fixture
def world(transactional_db) -> dict:
    fenna = account("fenna", "Fenna Bakker")
    anna, bram = account("anna", "Anna de Vries"), account("bram", "Bram Brouwer")
    net = ns.create_network(facilitator=fenna, name="Warmtenet Zuid", slug=SLUG,
                            purpose="Samen van het gas af.", primary_type="action")
    start = timezone.now() + timedelta(hours=1)     # check-in is open from two hours before
    event = meet_services.create_event(net, title="Warmte-café", starts_at=start,
                                       ends_at=start + timedelta(hours=2), hosts=[fenna])
    for person in (anna, bram):
        ns.join_network(net, person)
        meet_services.rsvp(event, person, "going")
    return {"net": net, "event": event, "anna": anna, "bram": bram}


@pytest.fixture
def patient_expect() -> Iterator[None]:
    """Assertions wait up to 30 s (not 5) on a machine under load; reset afterwards."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def page_for(new_page, base: str, username: str):
    """A logged-in page for ``username``, patient with a machine under load (a first page
    of a fresh live server can take many seconds there)."""
    page = new_page()
    page.set_default_timeout(60_000)
    log_in(page, base, username, PASSWORD)
    return page


def realised_stories(page, base: str) -> str:
    """The value of the health card's "Realised-value stories", as the dashboard shows it."""
    from playwright.sync_api import expect

    page.goto(f"{base}/n/{SLUG}/dashboard/")
    card = page.locator(".indicators li.indicator[data-key=realised_stories]")
    expect(card).to_be_visible()
    return card.locator("strong").inner_text()


def test_meet_introduce_talk_follow_up_story_and_the_health_card(live_server, new_page, world,
                                                                 patient_expect):
    from playwright.sync_api import expect

    base, net = live_server.url, world["net"]
    anna_ref, bram_ref = (person_ref(net, world[w].pk) for w in ("anna", "bram"))

    # Meet: at the door the facilitator checks both in.
    fenna = page_for(new_page, base, "fenna")
    fenna.goto(f"{base}/n/{SLUG}/events/{world['event'].pk}/door/")
    for name in ("Anna de Vries", "Bram Brouwer"):
        fenna.get_by_role("button", name=f"Check in {name}").click()
        expect(fenna.locator("li.door-row.is-in", has_text=name)).to_have_count(1)
    assert Attendance.objects.filter(event=world["event"]).count() == 2

    # Introduce: the facilitator introduces them.
    fenna.goto(f"{base}/n/{SLUG}/weave/introduce/")
    fenna.select_option("#introduce select[name=person_a]", anna_ref)
    fenna.select_option("#introduce select[name=person_b]", bram_ref)
    fenna.fill("#introduce textarea[name=reasons]", "Both want a heat pump.")
    fenna.click("#introduce button[type=submit]")
    expect(fenna.locator(".messages")).to_contain_text("The introduction is made")

    # Anna writes to Bram in the app; no follow-up is asked yet.
    anna = page_for(new_page, base, "anna")
    anna.goto(f"{base}/n/{SLUG}/weave/")
    expect(anna.locator("li.followup")).to_have_count(0)
    anna.get_by_role("link", name="Conversation with Bram Brouwer").click()
    anna.fill("#message-form textarea[name=body]", "Coffee after the next café?")
    anna.click("#message-form button[type=submit]")
    expect(anna.locator(".messages-list .message.mine")).to_contain_text("Coffee after")
    assert PrivateMessage.objects.count() == 1
    # No story yet: none counted (the card may show it as not recorded).
    assert realised_stories(fenna, base) in ("0 stories", "\N{EN DASH}")

    # Fifteen days later (the follow-up comes after 14): a fresh session.
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        anna = page_for(new_page, base, "anna")
        anna.goto(f"{base}/n/{SLUG}/weave/")
        followup = anna.locator("li.followup")
        expect(followup).to_have_count(1)
        followup.locator("input[value=yes][name$='-met']").check()
        followup.locator("input[value=yes][name$='-valuable']").check()
        followup.locator("button[type=submit]").click()

        # A valuable meeting asks for the story, with the introduction ticked.
        anna.wait_for_url("**/weave/stories/?introduction=*")
        expect(anna.locator(".messages")).to_contain_text("Tell it as a value story")
        expect(anna.locator("#story-form input[name=introductions]").first).to_be_checked()
        anna.fill("#story-form input[name=title]", "Our heat pump runs")
        anna.fill("#story-form textarea[name=text]", "Bram showed me his; ours runs since May.")
        anna.check("#story-form input[name=cycle][value=realised]")
        anna.select_option("#story-form select[name=events]", str(world["event"].pk))
        anna.click("#story-form button[type=submit]")
        expect(anna.locator(".messages")).to_contain_text("Your story is told.")
        expect(anna.locator("li.story[data-cycle=realised] h3")).to_have_text(
            "Our heat pump runs")
        expect(anna.locator("li.story")).to_contain_text("Warmte-café")
        ARTIFACTS.mkdir(exist_ok=True)
        anna.screenshot(path=str(ARTIFACTS / "weave-story.png"), full_page=True)
        assert ValueStory.objects.get().cycle == "realised"

        # The facilitator's dashboard: its snapshot is 15 days old, so it is recomputed.
        fenna = page_for(new_page, base, "fenna")
        assert realised_stories(fenna, base) == "1 story"
        fenna.screenshot(path=str(ARTIFACTS / "weave-story-card.png"), full_page=True)
