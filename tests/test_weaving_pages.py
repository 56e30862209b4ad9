"""Weave's pages, REST API and ``netweave match`` command, in Dutch and English.

Anna seeks advice on heat-pump subsidies, Bram (another sector) offers it, Fenna facilitates.
In the pseudonymous variant Bram takes part as "Warmteman": his real name, organisation and
e-mail address must appear on no Weave page, in no API answer and in no e-mail to others.
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client

from netweave.networks import services as ns
from netweave.networks.models import (
    Exchange,
    IdentityMode,
    Introduction,
    Membership,
    Need,
    Organisation,
    Person,
    Visibility,
)
from netweave.networks.selectors import person_ref
from netweave.weaving import services as weaving_services

pytestmark = pytest.mark.django_db

PASSWORD = "Weave-the-net-2026"
SECRETS = ("Bram Brouwer", "InstallCo", "bram@example.org")


def account(username: str, name: str, org: Organisation | None = None) -> Person:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    return Person.objects.create(user=user, name=name, email=user.email, organisation=org)


def ref(world, key: str) -> str:
    """``world[key]``'s reference in the network (what pages and the API take and give)."""
    return person_ref(world["net"], world[key].pk)


def client_for(person: Person, lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(person.user)
    return client


@pytest.fixture(params=[False, True], ids=["named", "pseudonymous"])
def world(request) -> dict:
    pseudonymous = request.param
    gemeente = Organisation.objects.create(name="Gemeente Zuid", sector="government")
    installco = Organisation.objects.create(name="InstallCo", sector="business")
    fenna = account("fenna", "Fenna Bakker")
    anna = account("anna", "Anna de Vries", gemeente)
    bram = account("bram", "Bram Brouwer", installco)
    olaf = account("olaf", "Olaf Outsider")
    net = ns.create_network(
        facilitator=fenna, name="Warmte Zuid", slug="warmte", purpose="Van het gas af.",
        primary_type="practice", visibility=Visibility.CLOSED,
        identity_mode=IdentityMode.PSEUDONYMS_ALLOWED if pseudonymous else IdentityMode.NAMED)
    ns.join_network(net, anna)
    if pseudonymous:
        ns.join_network(net, bram, identity="pseudonym", pseudonym="Warmteman")
    else:
        ns.join_network(net, bram)
    weaving_services.add_offer(net, bram, "I give advice on subsidies for heat pumps",
                               tags=["subsidies"])
    return {"net": net, "fenna": fenna, "anna": anna, "bram": bram, "olaf": olaf,
            "bram_name": "Warmteman" if pseudonymous else "Bram Brouwer",
            "pseudonymous": pseudonymous}


def hidden(world: dict, text: str) -> None:
    """No real detail of a pseudonymous member in ``text``."""
    if world["pseudonymous"]:
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("lang,need,heading,seeks", [
    ("en", "Advice on heat pump subsidies", "People you should meet", "You seek"),
    ("nl", "Advies over warmtepompsubsidies", "Mensen die je zou moeten ontmoeten", "Je zoekt"),
])
def test_member_adds_a_need_and_sees_the_right_person(world, lang, need, heading, seeks):
    anna = client_for(world["anna"], lang)
    response = anna.post("/n/warmte/weave/add/", {"kind": "need", "text": need,
                                                  "tags": "subsidies, heat pumps"})
    assert response.status_code == 302
    page = anna.get("/n/warmte/weave/").content.decode()
    assert heading in page
    assert need in page
    assert world["bram_name"] in page
    assert f"{seeks} “{need}”" in page or f"{seeks} „{need}”" in page
    suggestions = page.split('id="suggestions"')[1].split("</section>")[0]
    assert "Score" not in suggestions and "data-signal" not in suggestions   # no raw score
    hidden(world, page)


def test_facilitator_introduces_both_answer_and_exchanges_count(
        world, django_capture_on_commit_callbacks):
    net, anna, bram = world["net"], world["anna"], world["bram"]
    weaving_services.add_need(net, anna, "Advice on heat pump subsidies")
    fenna = client_for(world["fenna"], "nl")
    page = fenna.get("/n/warmte/weave/facilitate/").content.decode()
    assert "Voorgestelde kennismakingen" in page
    assert world["bram_name"] in page and "Advice on heat pump subsidies" in page
    hidden(world, page)
    form = fenna.get(f"/n/warmte/weave/introduce/?a={ref(world, 'anna')}&b={ref(world, 'bram')}"
                     ).content.decode()
    assert "Advice on heat pump subsidies" in form     # reasons prefilled from the matcher
    hidden(world, form)
    with django_capture_on_commit_callbacks(execute=True):
        response = fenna.post("/n/warmte/weave/introduce/", {
            "person_a": ref(world, "anna"), "person_b": ref(world, "bram"),
            "reasons": "Zij zoekt, hij biedt."})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    to_anna = next(m for m in mail.outbox if m.to == [anna.email])
    assert world["bram_name"] in to_anna.subject + to_anna.body
    assert "Zij zoekt, hij biedt." in to_anna.body
    hidden(world, to_anna.subject + to_anna.body)
    intro = Introduction.objects.get()
    # The follow-up is asked 14 days after the introduction.
    Introduction.objects.update(created_at=F("created_at") - timedelta(days=14))
    for person in (anna, bram):
        client = client_for(person)
        page = client.get("/n/warmte/weave/").content.decode()
        assert "Did you meet?" in page
        response = client.post(f"/n/warmte/weave/introductions/{intro.pk}/answer/",
                               {f"i{intro.pk}-met": "yes", f"i{intro.pk}-valuable": "yes"})
        assert response.status_code == 302
    gives = Exchange.objects.filter(confirmed_at__isnull=False)
    assert {(e.giver_id, e.receiver_id) for e in gives} == {(anna.pk, bram.pk),
                                                            (bram.pk, anna.pk)}
    page = fenna.get("/n/warmte/weave/facilitate/").content.decode()
    assert "Kennismakingen gemaakt: 1; beantwoord: 1; ontmoet: 1; waardevol: 1." in page


def test_offer_fulfilled_waits_for_the_receiver(world):
    offer = world["bram"].offers.get()
    bram, anna = client_for(world["bram"]), client_for(world["anna"])
    response = bram.post(f"/n/warmte/weave/offer/{offer.pk}/fulfil/",
                         {f"o{offer.pk}-counterpart": ref(world, "anna")})
    assert response.status_code == 302
    exchange = Exchange.objects.get()
    assert exchange.confirmed_at is None
    page = anna.get("/n/warmte/weave/").content.decode()
    assert "Did you receive this?" in page
    hidden(world, page)
    assert bram.post(f"/n/warmte/weave/exchanges/{exchange.pk}/confirm/").status_code == 404
    assert anna.post(f"/n/warmte/weave/exchanges/{exchange.pk}/confirm/").status_code == 302
    exchange.refresh_from_db()
    assert exchange.confirmed_at is not None


def test_bad_input_says_why_and_changes_nothing(world):
    anna = client_for(world["anna"])
    response = anna.post("/n/warmte/weave/add/", {"kind": "need", "text": "x",
                                                  "tags": "a" * 61}, follow=True)
    assert "A tag may have at most 60 characters" in response.content.decode()
    assert not Need.objects.exists()
    response = anna.post("/n/warmte/weave/introduce/", {
        "person_a": ref(world, "anna"), "person_b": ref(world, "anna")})
    assert "two different people" in response.content.decode()
    assert not Introduction.objects.exists()


def test_opting_out_hides_a_member_everywhere(world):
    weaving_services.add_need(world["net"], world["anna"], "Advice on heat pump subsidies")
    bram = client_for(world["bram"])
    bram.post("/n/warmte/weave/interests/", {"interests": "heat pumps", "opt_out": "on"})
    world["bram"].refresh_from_db()
    assert world["bram"].introductions_opt_out and world["bram"].interests == ["heat pumps"]
    page = client_for(world["anna"]).get("/n/warmte/weave/").content.decode()
    assert world["bram_name"] not in page.split('id="suggestions"')[1].split("</section>")[0]
    api = client_for(world["fenna"]).get("/api/weave/warmte/network-suggestions").json()
    assert api == []


def test_who_may_see_what(world):
    olaf, anna = client_for(world["olaf"]), client_for(world["anna"])
    assert olaf.get("/n/warmte/weave/").status_code == 403
    assert anna.get("/n/warmte/weave/facilitate/").status_code == 403
    assert olaf.get("/api/weave/warmte/suggestions").status_code == 403
    assert anna.get("/api/weave/warmte/network-suggestions").status_code == 403
    world["net"].visibility = Visibility.SECRET
    world["net"].save()
    assert olaf.get("/n/warmte/weave/").status_code == 404
    assert olaf.get("/api/weave/warmte/offers").status_code == 404
    assert Client().get("/n/warmte/weave/").status_code == 302      # to the log-in page
    nav = anna.get("/n/warmte/").content.decode()
    assert "/n/warmte/weave/" in nav and "/n/warmte/weave/facilitate/" not in nav
    assert "/n/warmte/weave/facilitate/" in client_for(world["fenna"]).get(
        "/n/warmte/").content.decode()


def test_api_offers_needs_suggestions_introduction_and_answer(
        world, django_capture_on_commit_callbacks):
    anna, bram = client_for(world["anna"], "nl"), client_for(world["bram"])
    response = anna.post("/api/weave/warmte/needs", {
        "text": "Advies over warmtepompsubsidies", "tags": ["Subsidies"]},
        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["tags"] == ["subsidies"] and response.json()["status"] == "open"
    bad = anna.post("/api/weave/warmte/needs", {"text": "  "}, content_type="application/json")
    assert bad.status_code == 400 and "woorden" in bad.json()["detail"]
    offers = anna.get("/api/weave/warmte/offers").json()
    assert [o["name"] for o in offers] == [world["bram_name"]]
    assert [n["text"] for n in anna.get("/api/weave/warmte/needs?mine=true").json()] == [
        "Advies over warmtepompsubsidies"]
    suggestions = anna.get("/api/weave/warmte/suggestions?top=3").json()
    assert suggestions[0]["person_b"] == ref(world, "bram")
    assert suggestions[0]["name_b"] == world["bram_name"]
    assert "zoekt" in suggestions[0]["reasons"][0]
    assert set(suggestions[0]["signals"]) >= {"need_offer"}
    assert "score" not in suggestions[0] and "breakdown" not in suggestions[0]
    everything = json.dumps([offers, suggestions,
                             client_for(world["fenna"]).get(
                                 "/api/weave/warmte/network-suggestions").json()])
    hidden(world, everything)
    # Anna chose Dutch e-mails; Bram chose nothing and gets the network's English.
    Membership.objects.filter(person=world["anna"]).update(email_language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        made = anna.post("/api/weave/warmte/introductions", {
            "person_a": ref(world, "anna"), "person_b": ref(world, "bram"),
            "reasons": "Jij zoekt wat hij biedt."}, content_type="application/json")
    assert made.status_code == 201
    to_anna = next(m for m in mail.outbox if m.to == [world["anna"].email])
    assert to_anna.subject == f"Je hebt jezelf voorgesteld aan {world['bram_name']}"
    to_bram = next(m for m in mail.outbox if m.to == [world["bram"].email])
    assert "Jij zoekt wat hij biedt." in to_bram.body and to_bram.body.startswith("Hello")
    hidden(world, to_anna.subject + to_anna.body)
    intro = made.json()["id"]
    again = anna.post("/api/weave/warmte/introductions", {
        "person_a": ref(world, "anna"), "person_b": ref(world, "bram")},
        content_type="application/json")
    assert again.status_code == 400
    Introduction.objects.update(created_at=F("created_at") - timedelta(days=14))
    answer = bram.post(f"/api/weave/warmte/introductions/{intro}/answer",
                       {"met": True, "valuable": True}, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["exchange"] is not None
    olaf = client_for(world["olaf"]).post(f"/api/weave/warmte/introductions/{intro}/answer",
                                          {"met": True}, content_type="application/json")
    assert olaf.status_code == 403


def test_openapi_schema_lists_typed_weave_endpoints():
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path in ("/api/weave/{slug}/offers", "/api/weave/{slug}/needs",
                 "/api/weave/{slug}/suggestions", "/api/weave/{slug}/network-suggestions",
                 "/api/weave/{slug}/introductions",
                 "/api/weave/{slug}/introductions/{introduction_id}/answer"):
        assert path in paths
    ok = paths["/api/weave/{slug}/suggestions"]["get"]["responses"]["200"]
    assert "SuggestionOut" in json.dumps(ok)


@pytest.mark.parametrize("lang,seeks", [("en", "seeks"), ("nl", "zoekt")])
def test_match_command(world, lang, seeks):
    weaving_services.add_need(world["net"], world["anna"], "Advice on heat pump subsidies")
    out = StringIO()
    call_command("match", "--network", "warmte", "--person", ref(world, "anna"),
                 "--lang", lang, "--no-progress", stdout=out)
    text = out.getvalue()
    assert f"1. {world['bram_name']} ({ref(world, 'bram')})" in text
    assert seeks in text
    hidden(world, text)
    out = StringIO()
    call_command("match", "--network", "warmte", "--json", "--top", "1", "--no-progress",
                 stdout=out)
    doc = json.loads(out.getvalue())
    rows = {m["person"]: m["suggestions"] for m in doc["members"]}
    assert rows[ref(world, "anna")][0]["person"] == ref(world, "bram")
    hidden(world, out.getvalue())
    with pytest.raises(CommandError, match="no network 'nope'"):
        call_command("match", "--network", "nope")
    with pytest.raises(CommandError, match="not the reference of an active member"):
        call_command("match", "--network", "warmte", "--person", ref(world, "olaf"))
    with pytest.raises(CommandError, match="not the reference"):  # a global id finds no one
        call_command("match", "--network", "warmte", "--person", str(world["anna"].pk))
