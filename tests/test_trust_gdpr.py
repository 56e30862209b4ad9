"""Trust, GDPR: a member downloads all their data (JSON, CSV in a ZIP) and deletes their
account; the person stays as a tombstone so that every figure stays the same; consent for
e-mail and for the map is recorded with its history."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.core.demo import MAIN_SLUG, PEER_SLUG
from netweave.core.measure.data import Period
from netweave.core.measure.engine import measure
from netweave.core.present import card_rows
from netweave.dashboard.reading import read_network_data
from netweave.discuss import services as discuss_services
from netweave.networks import services
from netweave.networks.activity_log import database_url
from netweave.networks.models import Identity, Membership, Network, Person, Role, Visibility
from netweave.trust import gdpr
from netweave.trust.models import AuditEntry, Consent, Erasure
from netweave.weaving import services as weaving_services

PASSWORD = "Weave-the-net-2026"
User = get_user_model()


def make_person(username: str, name: str) -> Person:
    user = User.objects.create_user(username, email=f"{username}@example.org",
                                    password=PASSWORD)
    return Person.objects.create(user=user, name=name, email=f"{username}@example.org")


@pytest.fixture
def circle(db):
    fac = make_person("fac", "Fenna Facilitator")
    mo = make_person("mo", "Mo Verborgen")
    other = make_person("other", "Otto Ander")
    net = services.create_network(
        facilitator=fac, slug="peer-circle", name="Peer Circle", purpose="Support.",
        primary_type="practice", visibility=Visibility.CLOSED,
        identity_mode="pseudonyms_allowed")
    services.join_network(net, mo, identity=Identity.PSEUDONYM, pseudonym="Nachtuil")
    services.join_network(net, other)
    talk = discuss_services.start_topic(net, mo, title="Slapeloze nachten", body="Wie herkent dit?")
    discuss_services.reply(talk, other, "Ik, elke week.")
    weaving_services.record_exchange(net, giver=other, receiver=mo,
                                     description="Een luisterend oor")
    return {"net": net, "fac": fac, "mo": mo, "other": other}


def test_a_member_downloads_all_their_data_and_nobody_elses(circle):
    client = Client()
    client.force_login(circle["mo"].user)
    response = client.get(reverse("trust-export-json"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["name"] == "Mo Verborgen"
    assert data["account"]["username"] == "mo"
    records = data["records"]
    assert [m["pseudonym"] for m in records["networks.membership"]] == ["Nachtuil"]
    assert records["networks.membership"][0]["network"] == "peer-circle"
    assert [d["title"] for d in records["networks.discussion"]] == ["Slapeloze nachten"]
    assert len(records["networks.exchange"]) == 1
    exchange = records["networks.exchange"][0]
    assert "giver" not in exchange and exchange["receiver"] == circle["mo"].pk
    activity = records["networks.activity"]
    assert activity and all(row.get("actor") == circle["mo"].pk or row.get("target") ==
                            circle["mo"].pk for row in activity)
    text = response.content.decode()
    for foreign in ("Otto Ander", "other@example.org", "Fenna Facilitator", "Ik, elke week."):
        assert foreign not in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("trust-export-zip")).content))
    names = set(archive.namelist())
    assert {"data.json", "person.csv", "account.csv", "networks.membership.csv",
            "networks.discussion.csv"} <= names
    assert "Nachtuil" in archive.read("networks.membership.csv").decode()
    assert "Otto Ander" not in "".join(archive.read(n).decode() for n in names)


def test_the_download_needs_a_login(circle):
    response = Client().get(reverse("trust-export-json"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_consent_is_recorded_with_its_history(circle):
    client = Client()
    client.force_login(circle["mo"].user)
    assert client.get(reverse("trust-privacy")).status_code == 200
    client.post(reverse("trust-privacy"), {"email": "on", "map": ""})
    client.post(reverse("trust-privacy"), {"email": "", "map": ""})
    client.post(reverse("trust-privacy"), {"email": "", "map": ""})  # unchanged: no new row
    rows = list(Consent.objects.filter(person=circle["mo"]).order_by("at", "pk")
                .values_list("kind", "given"))
    assert rows == [("email", True), ("map", False), ("email", False)]
    from netweave.trust.selectors import consent_of
    assert consent_of(circle["mo"], "email") is False
    assert consent_of(circle["other"], "email") is None


def test_deleting_an_account_leaves_a_nameless_tombstone(circle):
    client = Client()
    client.force_login(circle["mo"].user)
    wrong = client.post(reverse("trust-delete-account"), {"password": "not-it"})
    assert wrong.status_code == 400 and User.objects.filter(username="mo").exists()
    response = client.post(reverse("trust-delete-account"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(username="mo").exists()
    tomb = Person.objects.get(pk=circle["mo"].pk)
    assert (tomb.name, tomb.email, tomb.user_id, tomb.interests) == ("", "", None, [])
    assert Erasure.objects.filter(person=tomb).exists()
    membership = Membership.objects.get(person=tomb)
    assert membership.pseudonym.startswith("former-") and membership.pseudonym != "Nachtuil"
    assert AuditEntry.objects.filter(action="trust.account.delete").count() == 1
    # Other members no longer see the name or the pseudonym anywhere on the network page.
    viewer = Client()
    viewer.force_login(circle["other"].user)
    page = viewer.get(reverse("network-detail", args=["peer-circle"])).content.decode()
    assert "Nachtuil" not in page and "Mo Verborgen" not in page
    assert "_auth_user_id" not in client.session


def test_the_only_facilitator_must_hand_over_first(circle):
    with pytest.raises(gdpr.DeletionRefused, match="only facilitator of Peer Circle"):
        gdpr.delete_account(circle["fac"].user)
    assert Person.objects.get(pk=circle["fac"].pk).name == "Fenna Facilitator"
    services.join_network(circle["net"], make_person("co", "Co Facilitator"),
                          role=Role.FACILITATOR)
    gdpr.delete_account(circle["fac"].user)
    assert Person.objects.get(pk=circle["fac"].pk).name == ""


def _card_and_figures(slug: str, end) -> str:
    network = Network.objects.get(slug=slug)
    figures = dict(measure(read_network_data(database_url(), network.pk),
                           Period(end - timedelta(days=90), end)).figures)
    figures.pop("generated_at", None)
    card = card_rows(figures["card"], "en")
    return json.dumps({"card": card, "figures": figures}, sort_keys=True, default=str)


@pytest.mark.django_db(transaction=True)
def test_the_health_card_and_every_figure_of_the_past_stay_the_same_after_deletion():
    call_command("demo", "--people", "30", "--months", "3", "--events", "4", "--seed", "7",
                 "--no-progress", stdout=io.StringIO())
    # Deleting an account ends its memberships now (a ``leave`` row each): the figures of
    # periods that end before the deletion stay the same. The monthly series counts whole
    # months, so the period ends where the current month begins.
    end = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    before = {slug: _card_and_figures(slug, end) for slug in (MAIN_SLUG, PEER_SLUG)}
    # Two members of each kind leave: one who uses a pseudonym, one with their real name.
    leaving = []
    for identity in (Identity.PSEUDONYM, Identity.REAL):
        membership = (Membership.objects.filter(identity=identity, role=Role.MEMBER,
                                                person__user__isnull=True)
                      .select_related("person").order_by("pk").first())
        assert membership is not None, identity
        person = membership.person
        person.user = User.objects.create_user(f"leaver-{identity}", password=PASSWORD)
        person.save()
        leaving.append(person)
    for person in leaving:
        gdpr.delete_account(person.user)
    for person in leaving:
        person.refresh_from_db()
        assert person.name == "" and person.user is None
    after = {slug: _card_and_figures(slug, end) for slug in (MAIN_SLUG, PEER_SLUG)}
    assert after == before


def test_deleting_an_account_deletes_its_private_messages_not_the_other_persons(circle):
    from netweave.discuss.models import PrivateMessage

    intro = weaving_services.make_introduction(circle["net"], circle["fac"], circle["mo"],
                                               circle["other"], "Both sleep badly.")
    discuss_services.send_private_message(intro, circle["mo"], "Mijn adres is Dorpsstraat 1.")
    discuss_services.send_private_message(intro, circle["other"], "Dank je.")
    gdpr.delete_account(circle["mo"].user)
    left = list(PrivateMessage.objects.values_list("author_id", "body"))
    assert left == [(circle["other"].pk, "Dank je.")]
