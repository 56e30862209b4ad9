"""Membership pages and the front door (issue 16): joining and asking from the network page,
the facilitators' members page, invitation links, invite-by-list, the profile page, and the
styled, translated 403 and 404 pages; no link that leads to a 403 is shown."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import account_with_client as account
from netweave.networks import membership_services as members
from netweave.networks import services
from netweave.networks.models import (
    IdentityMode,
    JoinRequest,
    Membership,
    Person,
    Visibility,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_mail_limits():
    """Account mails are limited per address in the cache; each test starts with none sent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def fenna():
    return account("fenna", "Fenna Bakker")


@pytest.fixture
def anna():
    return account("anna", "Anna de Vries")


def make(fenna, slug, visibility=Visibility.PUBLIC, mode=IdentityMode.NAMED, pseudonym=""):
    return services.create_network(facilitator=fenna[0], name=slug.title(), slug=slug,
                                   purpose="Samen van het gas af.", primary_type="action",
                                   visibility=visibility, identity_mode=mode,
                                   facilitator_pseudonym=pseudonym)


def test_the_front_door_says_what_netweave_is_with_find_and_start(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "purpose-driven networks" in page
    assert "Find a network" in page and "Start a network" in page
    assert reverse("charters-start") in page
    dutch = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Vind een netwerk" in dutch and "Start een netwerk" in dutch


def test_a_404_is_styled_translated_and_leads_back(client):
    page = client.get("/n/no-such-network/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 404
    text = page.content.decode()
    assert "Pagina niet gevonden" in text and 'href="/"' in text
    assert "netweave.css" in text


def test_a_403_is_styled_and_outsiders_see_no_link_that_leads_to_one(fenna, anna):
    make(fenna, "dicht", Visibility.CLOSED)
    outsider = anna[1]
    events = reverse("meet-event-list", args=["dicht"])
    page = outsider.get("/n/dicht/").content.decode()
    assert events not in page
    refused = outsider.get(events)
    assert refused.status_code == 403
    assert "Not allowed" in refused.content.decode() and 'href="/"' in refused.content.decode()
    assert events in fenna[1].get("/n/dicht/").content.decode()


def test_join_from_the_network_page_and_leave(fenna, anna):
    net = make(fenna, "open")
    page = anna[1].get("/n/open/").content.decode()
    assert "Join this network" in page
    anna[1].post(reverse("members-join", args=["open"]))
    assert Membership.objects.get(network=net, person=anna[0]).is_active
    assert "Leave this network" in anna[1].get("/n/open/").content.decode()
    anna[1].post(reverse("members-leave", args=["open"]))
    assert not Membership.objects.get(network=net, person=anna[0]).is_active


def test_ask_and_be_approved_through_the_members_page(fenna, anna, mailoutbox):
    net = make(fenna, "dicht", Visibility.CLOSED)
    assert "Ask to join" in anna[1].get("/n/dicht/").content.decode()
    anna[1].post(reverse("members-join", args=["dicht"]), {"message": "Ik woon hier."})
    assert "You have asked to join" in anna[1].get("/n/dicht/").content.decode()
    assert anna[1].get(reverse("members-manage", args=["dicht"])).status_code == 403
    assert "1 request to join is waiting" in fenna[1].get("/n/dicht/").content.decode()
    manage = fenna[1].get(reverse("members-manage", args=["dicht"])).content.decode()
    assert "Anna de Vries" in manage and "Ik woon hier." in manage
    request = JoinRequest.objects.get()
    fenna[1].post(reverse("members-decide", args=["dicht", request.pk]),
                  {"approve": "yes", "answer": "Welkom!"})
    assert Membership.objects.get(network=net, person=anna[0]).is_active
    assert "Welkom!" in mailoutbox[-1].body


def test_the_last_facilitator_is_told_to_hand_over(fenna):
    make(fenna, "open")
    page = fenna[1].get("/n/open/").content.decode()
    assert "only facilitator" in page and "Leave this network" not in page
    answer = fenna[1].post(reverse("members-leave", args=["open"]), follow=True)
    assert "appoint another facilitator" in answer.content.decode()


def test_an_invitation_page_leads_through_sign_up_back_to_itself(fenna, client):
    net = make(fenna, "geheim", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "Uil")
    new = members.create_invitation(net, by=fenna[0], send=False)
    link = reverse("members-invitation", args=[new.token])
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Geheim" in page and f"/accounts/signup/?next={link}" in page
    answer = confirmed_sign_up(client, "bram", "Bram Brouwer", link)
    assert answer.status_code == 302 and answer["Location"] == link
    client.post(link, {"pseudonym": "Uil"})  # taken
    assert not Membership.objects.filter(network=net, person__name="Bram Brouwer").exists()
    client.post(link, {"pseudonym": "Reiger"})
    assert Membership.objects.get(network=net, pseudonym="Reiger").person.name == "Bram Brouwer"
    members.revoke_invitation(new.invitation)
    gone = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert gone.status_code == 410 and "withdrawn" in gone.content.decode()


def confirmed_sign_up(client: Client, username: str, name: str, next_url: str):
    """Sign up with ``next_url``, then open the link of the confirmation mail: the answer
    of creating the account."""
    mail.outbox.clear()
    client.post("/accounts/signup/", {
        "username": username, "name": name, "email": f"{username}@example.org",
        "password1": "Weave-the-net-2026", "password2": "Weave-the-net-2026",
        "next": next_url})
    confirm = re.search(r"/accounts/signup/confirm/\S+/", mail.outbox[-1].body)[0]
    return client.post(confirm)


def test_a_sign_up_never_leaves_for_another_site(client):
    answer = confirmed_sign_up(client, "bram", "Bram", "https://evil.example/")
    assert answer["Location"] == "/"


def test_a_sign_up_with_an_address_an_import_knew_is_offered_its_history(fenna, client):
    net = make(fenna, "open")
    old = Person.objects.create(name="B. Brouwer", email="bram@example.org")
    services.join_network(net, old, source="import:csv")
    answer = confirmed_sign_up(client, "bram", "Bram Brouwer", "")
    assert answer["Location"] == reverse("members-claims")
    page = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open" in page and "Send me the link for this network" in page


def test_invite_a_list_from_the_members_page(fenna, mailoutbox):
    make(fenna, "dicht", Visibility.CLOSED)
    url = reverse("members-invite-list", args=["dicht"])
    bad = SimpleUploadedFile("leden.csv", b"email\nbram@example.org\nnot-an-address\n")
    answer = fenna[1].post(url, {"file": bad}, follow=True)
    assert "leden.csv, line 3" in answer.content.decode() and mailoutbox == []
    good = SimpleUploadedFile("leden.csv", b"email\nbram@example.org\ncor@example.org\n")
    answer = fenna[1].post(url, {"file": good}, follow=True)
    assert "Invitations sent: 2" in answer.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["bram@example.org", "cor@example.org"]


def test_the_profile_page_saves_the_profile_and_shows_the_real_name_only_to_oneself(fenna,
                                                                                   anna):
    net = make(fenna, "geheim", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "Uil")
    members.accept_invitation(members.create_invitation(net, by=fenna[0]).token, anna[0],
                              pseudonym="Reiger")
    url = reverse("members-profile", args=["geheim"])
    assert "Anna de Vries" in anna[1].get(url).content.decode()
    anna[1].post(url, {"pseudonym": "Stille Reiger", "sector": "residents",
                       "interests": "mantelzorg, slaap", "email_language": "nl",
                       "digest_frequency": "daily"})
    mine = Membership.objects.get(network=net, person=anna[0])
    assert (mine.pseudonym, mine.sector, mine.interests) == (
        "Stille Reiger", "residents", ["mantelzorg", "slaap"])
    manage = fenna[1].get(reverse("members-manage", args=["geheim"])).content.decode()
    assert "Stille Reiger" in manage and "Anna de Vries" not in manage
