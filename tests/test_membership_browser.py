"""A brand-new person finds their way in, in a real headless Chromium (issue 16).

Three walks from sign-up: joining a public network in one step; asking to join a closed
network (in Dutch) and being approved by its facilitator; and an e-mailed invitation (read
from Django's mail outbox) into a secret pseudonymous network, choosing a pseudonym, then
answering an event, replying in a discussion and adding an offer. Each walk ends in the
activity log: a ``join`` row at joining, the contributions after it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation

from conftest import log_in
from netweave.core import activity as act
from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services as ns
from netweave.networks.models import (
    Activity,
    IdentityMode,
    Membership,
    Offer,
    Person,
    Post,
    Registration,
    Visibility,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Weave-the-net-2026"


@pytest.fixture(autouse=True)
def _fresh_mail_limits():
    """Account mails are limited per address in the cache; each test starts with none sent."""
    from django.core.cache import cache

    cache.clear()


def account(username: str, name: str) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email)


def sign_up(page, username: str, name: str, *, submit: str = "Create account",
            confirm: str = "Create my account") -> None:
    """Fill the sign-up form the page shows (reached by a link), send it, and open the link
    of the confirmation mail (read from the mail outbox) to create the account."""
    page.fill("input[name=username]", username)
    page.fill("input[name=name]", name)
    page.fill("input[name=email]", f"{username}@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name=submit).click()
    page.wait_for_url(re.compile(r".*/accounts/signup/sent/$"))
    mine = [m for m in mail.outbox if m.to == [f"{username}@example.org"]]
    page.goto(re.search(r"https?://\S+/accounts/signup/confirm/\S+/", mine[-1].body)[0])
    page.get_by_role("button", name=confirm).click()


@pytest.fixture
def open_page(new_page):
    """Pages that wait longer than the suite's default: the walks are long, and the machine
    may be busy; nothing here is timed."""

    def make(locale: str = "en-GB"):
        page = new_page(locale)
        page.set_default_timeout(60_000)
        return page

    return make


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def kinds(person: Person) -> list[str]:
    return list(Activity.objects.filter(actor=person).order_by("pk")
                .values_list("kind", flat=True))


def test_a_new_account_joins_a_public_network(live_server, open_page):
    from playwright.sync_api import expect

    fenna = account("fenna", "Fenna Bakker")
    ns.create_network(facilitator=fenna, name="Warmtenet Zuid", slug="warmtenet-zuid",
                      purpose="Samen van het gas af in Zuid.", primary_type="place")
    base = live_server.url
    page = open_page()
    page.goto(f"{base}/")
    expect(page.locator(".front-door")).to_contain_text("purpose-driven networks")
    page.get_by_role("link", name="Find a network").click()
    page.get_by_role("link", name="Warmtenet Zuid").click()
    page.get_by_role("link", name="Sign up to join").click()
    sign_up(page, "anna", "Anna de Vries")
    page.wait_for_url(f"{base}/n/warmtenet-zuid/")
    page.get_by_role("button", name="Join this network").click()
    expect(page.locator(".messages")).to_contain_text("you are a member of Warmtenet Zuid")
    expect(page.locator(".member-list")).to_contain_text("Anna de Vries (you)")
    anna = Person.objects.get(name="Anna de Vries")
    assert kinds(anna) == [act.JOIN]


def test_a_new_account_asks_to_join_a_closed_network_and_is_approved_in_dutch(live_server,
                                                                             open_page):
    from playwright.sync_api import expect

    fenna = account("fenna", "Fenna Bakker")
    ns.create_network(facilitator=fenna, name="Energiecoöperatie Noord", slug="coop-noord",
                      purpose="Zonnepanelen op elk dak in Noord.", primary_type="action",
                      visibility=Visibility.CLOSED)
    base = live_server.url
    page = open_page("nl-NL")
    page.goto(f"{base}/n/coop-noord/")
    events = page.get_by_role("link", name="Bijeenkomsten", exact=True)
    expect(events).to_have_count(0)  # for an outsider it leads to a 403
    page.get_by_role("link", name="Meld je aan om lid te worden").click()
    sign_up(page, "bram", "Bram Brouwer", submit="Account aanmaken",
            confirm=dutch("Create my account"))
    page.wait_for_url(f"{base}/n/coop-noord/")
    page.fill("#id_join_message", "Ik woon aan de Noordkade en wil meedoen.")
    page.get_by_role("button", name="Vraag om lid te worden").click()
    expect(page.locator(".messages")).to_contain_text("Je verzoek is naar de netwerkregisseurs")
    expect(page.locator(".membership-box")).to_contain_text("Je hebt gevraagd om lid")
    assert mail.outbox[-1].to == ["fenna@example.org"]

    facilitator = open_page("nl-NL")
    log_in(facilitator, base, "fenna", PASSWORD)
    facilitator.goto(f"{base}/n/coop-noord/")
    facilitator.get_by_role("link", name="Leden en uitnodigingen").click()
    request = facilitator.locator(".join-request")
    expect(request).to_contain_text("Bram Brouwer")
    expect(request).to_contain_text("Noordkade")
    request.locator("textarea[name=answer]").fill("Welkom, Bram!")
    request.get_by_role("button", name="Goedkeuren").click()
    expect(facilitator.locator(".messages")).to_contain_text("Bram Brouwer is nu lid")

    told = mail.outbox[-1]
    assert told.to == ["bram@example.org"] and "Welkom, Bram!" in told.body
    page.goto(f"{base}/n/coop-noord/")
    expect(page.locator(".member-list")).to_contain_text("Bram Brouwer (jij)")
    expect(page.get_by_role("link", name="Bijeenkomsten", exact=True)).to_be_visible()
    bram = Person.objects.get(name="Bram Brouwer")
    assert kinds(bram) == [act.JOIN]


def test_an_emailed_invitation_into_a_secret_pseudonymous_network(live_server, open_page):
    from playwright.sync_api import expect

    fenna = account("fenna", "Fenna Bakker")
    net = ns.create_network(facilitator=fenna, name="Stille Kring", slug="stille-kring",
                            purpose="Mantelzorgers voor een ouder met dementie.",
                            primary_type="circumstance", visibility=Visibility.SECRET,
                            identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
                            facilitator_pseudonym="Uil")
    start = timezone.now() + timedelta(days=5)
    event = meet_services.create_event(net, title="Online check-in", starts_at=start,
                                       ends_at=start + timedelta(hours=1), mode="online")
    topic = discuss_services.start_topic(net, fenna, title="Slapen",
                                         body="Hoe slaapt jullie ouder?")
    base = live_server.url

    facilitator = open_page()
    log_in(facilitator, base, "fenna", PASSWORD)
    facilitator.goto(f"{base}/n/stille-kring/members/")
    facilitator.fill(".invite-form input[name=email]", "chris@example.org")
    facilitator.get_by_role("button", name="Create invitation").click()
    expect(facilitator.locator(".messages")).to_contain_text("sent to chris@example.org")
    invitation = mail.outbox[-1]
    assert invitation.to == ["chris@example.org"] and "Fenna" not in invitation.body
    link = base + re.search(r"/invite/[^/\s]+/", invitation.body).group(0)

    page = open_page()
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Stille Kring")
    page.get_by_role("link", name="Sign up").last.click()
    sign_up(page, "chris", "Chris Jansen")
    page.wait_for_url(link)
    page.fill("#id_pseudonym", "Uil")  # the facilitator's: taken
    page.get_by_role("button", name="Accept and join").click()
    expect(page.locator(".errors")).to_contain_text("taken")
    page.fill("#id_pseudonym", "Reiger")
    page.get_by_role("button", name="Accept and join").click()
    page.wait_for_url(f"{base}/n/stille-kring/")
    expect(page.locator(".member-list")).to_contain_text("Reiger (you)")
    expect(page.locator("body")).not_to_contain_text("Chris Jansen")

    page.goto(f"{base}/n/stille-kring/events/{event.pk}/")
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.locator("#your-answer")).to_contain_text("Going")

    page.goto(f"{base}/n/stille-kring/discussions/{topic.pk}/")
    page.click("details.reply-box summary")
    page.fill("details.reply-box textarea[name=body]", "Slecht, een vaste avondroutine helpt.")
    page.click("details.reply-box button[type=submit]")
    page.wait_for_selector("text=een vaste avondroutine helpt")
    expect(page.locator(".post-author").last).to_contain_text("Reiger")

    page.goto(f"{base}/n/stille-kring/weave/")
    page.select_option("#add-item select[name=kind]", "offer")
    page.fill("#add-item input[name=text]", "Ik lees mee met formulieren van het CAK")
    page.click("#add-item button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()

    chris = Person.objects.get(name="Chris Jansen")
    membership = Membership.objects.get(network=net, person=chris)
    assert membership.pseudonym == "Reiger"
    assert Registration.objects.get(event=event, person=chris).status == "going"
    assert Post.objects.filter(author=chris, parent__isnull=False).count() == 1
    assert Offer.objects.filter(person=chris).count() == 1
    assert kinds(chris) == [act.JOIN, act.RSVP, act.REPLY, act.OFFER]
    facilitator.goto(f"{base}/n/stille-kring/members/")
    expect(facilitator.locator(".member-table")).to_contain_text("Reiger")
    expect(facilitator.locator("body")).not_to_contain_text("Chris Jansen")
