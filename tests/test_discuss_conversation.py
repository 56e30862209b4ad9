"""The private conversation after an introduction (issue 17): in a pseudonymous network the
two people introduced write to each other in the app, without exchanging e-mail addresses.
Only the two read it: not a third member, not the facilitator who introduced them, not
staff, not through the API; and no real name or e-mail of a pseudonymous member leaks, not
in the pages, the API or the notification e-mails."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from netweave.discuss.models import PrivateMessage
from netweave.networks import services as ns
from netweave.networks.models import Activity, IdentityMode, Membership, Visibility
from netweave.weaving import services as weave
from test_permission_walk import _api_urls, _crawl

pytestmark = pytest.mark.django_db

SLUG = "circle"
SECRET_TEXT = "my kitchen table on Thursday at seven"
#: username -> (real name, e-mail, pseudonym)
PEOPLE = {
    "fac": ("Rosalind Quartermaine", "rosalind@private.example", "Lantern"),
    "ann": ("Cordelia Ravenscroft", "cordelia@private.example", "Willow"),
    "ben": ("Desmond Okonkwo", "desmond@private.example", "Harbour"),
    "cat": ("Evangeline Thistlewood", "evangeline@private.example", "Sparrow"),
}


def _account(username: str):
    from netweave.networks.models import Person

    name, email, _pseudonym = PEOPLE[username]
    user = get_user_model().objects.create_user(username, email, "pw-Circle-2026")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return Person.objects.create(user=user, name=name, email=email), client


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    people, clients = {}, {}
    for username in PEOPLE:
        people[username], clients[username] = _account(username)
    net = ns.create_network(facilitator=people["fac"], name="Carers", slug=SLUG,
                            purpose="Support each other.", primary_type="practice",
                            visibility=Visibility.CLOSED,
                            identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
                            facilitator_pseudonym="Lantern")
    for username in ("ann", "ben", "cat"):
        ns.join_network(net, people[username], pseudonym=PEOPLE[username][2])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):   # the e-mails go after the commit
        intro = weave.make_introduction(net, people["fac"], people["ann"], people["ben"],
                                        "Both care for a parent.",
                                        link="http://testserver/weave/")
    staff = get_user_model().objects.create_user("staff", "staff@x.example", "pw-Staff-2026",
                                                 is_staff=True)
    clients["staff"] = Client(headers={"accept-language": "en"})
    clients["staff"].force_login(staff)
    return {"net": net, "people": people, "clients": clients, "intro": intro}


def _leaks(text: str, *, but: str) -> list[str]:
    """Real names and e-mails of everyone but ``but`` found in ``text``."""
    return [s for username, (name, email, _p) in PEOPLE.items() if username != but
            for s in (name, *name.split(), email) if s in text]


def test_the_two_write_to_each_other_without_sharing_addresses(
        world, django_capture_on_commit_callbacks):
    intro, clients = world["intro"], world["clients"]
    # The introduction e-mail offers the conversation, and gives no address.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "write to" in message.body and "privately" in message.body
        assert not _leaks(message.subject + message.body, but="")
    mail.outbox.clear()

    url = f"/n/{SLUG}/conversations/{intro.pk}/"
    home = clients["ann"].get(f"/n/{SLUG}/weave/").content.decode()
    assert f'href="{url}"' in home and "Conversation with Harbour" in home
    with django_capture_on_commit_callbacks(execute=True):
        sent = clients["ann"].post(url, {"body": f"Shall we meet at {SECRET_TEXT}?"},
                                   follow=True)
    assert "Only the two of you can read it." in sent.content.decode()
    # Ben hears of it by e-mail: who wrote (as the network shows her), no text, no address.
    assert [m.to for m in mail.outbox] == [["desmond@private.example"]]
    note = mail.outbox[0]
    assert "Willow" in note.subject and url in note.body
    assert SECRET_TEXT not in note.body and not _leaks(note.subject + note.body, but="ben")

    page = clients["ben"].get(url).content.decode()
    assert SECRET_TEXT in page and "Willow" in page and not _leaks(page, but="ben")
    answer = clients["ben"].post(f"/api/discuss/n/{SLUG}/conversations/{intro.pk}/messages",
                                 {"body": "Thursday suits me."},
                                 content_type="application/json")
    assert answer.status_code == 201
    body = answer.json()
    assert body["other"] == "Willow"
    assert [(m["author"], m["mine"]) for m in body["messages"]] == [("Willow", False),
                                                                    ("Harbour", True)]
    assert not _leaks(answer.content.decode(), but="ben")
    # Private messages are not activity: nothing in the log says who wrote to whom.
    assert not Activity.objects.filter(kind="message").exists()


def test_nobody_else_reads_it(world):
    intro, clients = world["intro"], world["clients"]
    weave_url = f"/n/{SLUG}/conversations/{intro.pk}/"
    api_url = f"/api/discuss/n/{SLUG}/conversations/{intro.pk}"
    clients["ann"].post(weave_url, {"body": SECRET_TEXT})
    assert PrivateMessage.objects.count() == 1
    # A member or facilitator of the network learns nothing (404); staff take no part (403).
    for who, status in (("cat", 404), ("fac", 404), ("staff", 403)):
        client = clients[who]
        assert client.get(weave_url).status_code == status, who
        assert client.post(weave_url, {"body": "let me in"}).status_code == status, who
        assert client.get(api_url).status_code == status, who
        assert client.post(f"{api_url}/messages", {"body": "let me in"},
                           content_type="application/json").status_code == status, who
        # Nothing they can reach, page or API answer, shows the conversation's text.
        for url in (_crawl(client, f"/n/{SLUG}/") + _api_urls(client, SLUG)
                    + [f"/n/{SLUG}/weave/facilitate/", f"/n/{SLUG}/dashboard/activities/"]):
            body = client.get(url).content.decode("utf-8", "replace")
            assert SECRET_TEXT not in body, (who, url)
    assert Client().get(weave_url).status_code == 302          # to the log-in page
    assert Client().get(api_url).status_code in (401, 403)
    assert PrivateMessage.objects.count() == 1


def test_bad_messages_and_a_closed_conversation(world):
    intro, clients = world["intro"], world["clients"]
    url = f"/api/discuss/n/{SLUG}/conversations/{intro.pk}/messages"
    empty = clients["ann"].post(url, {"body": "   "}, content_type="application/json")
    assert empty.status_code == 400 and "cannot be empty" in empty.json()["detail"]
    long = clients["ann"].post(url, {"body": "x" * 5001}, content_type="application/json")
    assert long.status_code == 400 and "5000" in long.json()["detail"]
    ns.leave_network(Membership.objects.get(network=world["net"], person=world["people"]["ben"]))
    closed = clients["ann"].post(url, {"body": "Still there?"},
                                 content_type="application/json")
    assert closed.status_code == 400 and "has left the network" in closed.json()["detail"]
    assert not PrivateMessage.objects.exists()
