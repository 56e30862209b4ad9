"""Membership through the REST API (issue 16): the same rules and the same names as the
pages; members are referred to by their membership in the network, never a person id."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import account_with_client as account
from netweave.core import activity as act
from netweave.networks import membership_services as members
from netweave.networks import services
from netweave.networks.models import (
    Activity,
    IdentityMode,
    Invitation,
    Membership,
    Visibility,
)

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict | None = None, method: str = "post"):
    return getattr(client, method)(f"/api/members{url}", json.dumps(data or {}),
                                   content_type="application/json")


@pytest.fixture
def fenna():
    return account("fenna", "Fenna Bakker")


@pytest.fixture
def anna():
    return account("anna", "Anna de Vries")


def make(fenna, slug, visibility=Visibility.PUBLIC, mode=IdentityMode.NAMED, pseudonym=""):
    return services.create_network(facilitator=fenna[0], name=slug.title(), slug=slug,
                                   purpose="Samen.", primary_type="action",
                                   visibility=visibility, identity_mode=mode,
                                   facilitator_pseudonym=pseudonym)


def test_join_a_public_network_and_leave_it(fenna, anna):
    net = make(fenna, "open")
    answer = post(anna[1], "/n/open/join")
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "joined"
    state = anna[1].get("/api/members/n/open/me").json()
    assert state["member"]["role"] == "member" and not state["can_join"]
    assert post(anna[1], "/n/open/join").status_code == 400
    assert post(anna[1], "/n/open/leave").status_code == 200
    assert list(Activity.objects.filter(network=net, actor=anna[0]).values_list(
        "kind", "source")) == [(act.JOIN, "api"), (act.LEAVE, "api")]


def test_request_and_approve_a_closed_network(fenna, anna, mailoutbox):
    make(fenna, "dicht", Visibility.CLOSED)
    answer = post(anna[1], "/n/dicht/join", {"message": "Graag!"})
    assert answer.status_code == 202 and answer.json()["status"] == "requested"
    assert anna[1].get("/api/members/n/dicht/requests").status_code == 403
    pending = fenna[1].get("/api/members/n/dicht/requests").json()
    assert [(r["name"], r["message"]) for r in pending] == [("Anna de Vries", "Graag!")]
    answer = post(fenna[1], f"/n/dicht/requests/{pending[0]['id']}/decide",
                  {"approve": True, "answer": "Welkom"})
    assert answer.json()["status"] == "approved"
    assert anna[1].get("/api/members/n/dicht/me").json()["member"] is not None
    assert mailoutbox[-1].to == ["anna@example.org"]


def test_a_secret_network_is_a_404_and_an_invitation_lets_one_in(fenna, anna):
    make(fenna, "geheim", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "Uil")
    assert post(anna[1], "/n/geheim/join").status_code == 404
    made = post(fenna[1], "/n/geheim/invitations", {"max_uses": 2, "days": 3})
    assert made.status_code == 201, made.content
    token = made.json()["link"].rstrip("/").rsplit("/", 1)[1]
    refused = post(anna[1], "/invitations/accept", {"token": token, "pseudonym": "uil"})
    assert refused.status_code == 400 and "taken" in refused.json()["detail"]
    joined = post(anna[1], "/invitations/accept", {"token": token, "pseudonym": "Reiger"})
    assert joined.status_code == 201 and joined.json()["name"] == "Reiger"
    listed = fenna[1].get("/api/members/n/geheim/invitations").json()
    assert listed[0]["uses"] == 1 and listed[0]["link"] is None  # the link is shown once
    post(fenna[1], f"/n/geheim/invitations/{listed[0]['id']}/revoke")
    bram = account("bram", "Bram")
    gone = post(bram[1], "/invitations/accept", {"token": token, "pseudonym": "Vos"})
    assert gone.status_code == 400 and "withdrawn" in gone.json()["detail"]


def test_member_list_shows_pseudonyms_and_no_person_ids(fenna, anna):
    net = make(fenna, "geheim", Visibility.SECRET, IdentityMode.PSEUDONYMOUS_ONLY, "Uil")
    new = members.create_invitation(net, by=fenna[0])
    members.accept_invitation(new.token, anna[0], pseudonym="Reiger")
    answer = fenna[1].get("/api/members/n/geheim/members")
    body = answer.content.decode()
    assert "Anna" not in body and "Fenna" not in body
    ids = {m["id"] for m in answer.json()}
    assert ids == set(Membership.objects.filter(network=net).values_list("pk", flat=True))
    assert [m["name"] for m in answer.json()] == ["Uil", "Reiger"]


def test_the_last_facilitator_cannot_leave_or_step_down_but_can_hand_over(fenna, anna):
    make(fenna, "open")
    post(anna[1], "/n/open/join")
    assert post(fenna[1], "/n/open/leave").status_code == 400
    mine = fenna[1].get("/api/members/n/open/me").json()["member"]["id"]
    assert post(fenna[1], f"/n/open/members/{mine}/role",
                {"role": "member"}).status_code == 400
    hers = anna[1].get("/api/members/n/open/me").json()["member"]["id"]
    assert post(anna[1], f"/n/open/members/{mine}/remove").status_code == 403
    assert post(fenna[1], f"/n/open/members/{hers}/role",
                {"role": "facilitator"}).json()["role"] == "facilitator"
    assert post(fenna[1], "/n/open/leave").status_code == 200


def test_profile_per_network(fenna, anna):
    make(fenna, "open", mode=IdentityMode.PSEUDONYMS_ALLOWED)
    post(anna[1], "/n/open/join")
    answer = post(anna[1], "/n/open/profile", {
        "organisation": "Gemeente Zuid", "sector": "government", "interests": ["warmte"],
        "email_language": "nl", "digest_frequency": "weekly", "shown_as": "pseudonym",
        "pseudonym": "Reiger"}, method="put")
    assert answer.status_code == 200, answer.content
    assert answer.json()["name"] == "Reiger" and answer.json()["sector"] == "government"
    bad = post(anna[1], "/n/open/profile", {"sector": "royalty"}, method="put")
    assert bad.status_code == 400
    assert post(fenna[1], "/n/open/profile", {"shown_as": "pseudonym", "pseudonym": "reiger"},
                method="put").status_code == 400


def test_an_expired_invitation_is_refused(fenna, anna):
    from datetime import timedelta

    from django.utils import timezone

    net = make(fenna, "dicht", Visibility.CLOSED)
    new = members.create_invitation(net, by=fenna[0], at=timezone.now() - timedelta(days=20))
    answer = post(anna[1], "/invitations/accept", {"token": new.token})
    assert answer.status_code == 400 and "expired" in answer.json()["detail"]
    assert Invitation.objects.get().uses == 0
