"""Value stories can be told (issue 17): on the stories page and through the API, with the
cycle of value and the meetings, introductions and offers that led to them; the follow-up's
"valuable: yes" and "My participation" ask for one; each story writes its ``story`` row, so
the health card's "Realised-value stories" counts it; pseudonymous authors appear under
their pseudonym only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from conftest import account_with_client as account
from netweave.core import activity as act
from netweave.core.measure.data import Period
from netweave.core.measure.engine import measure
from netweave.dashboard.reading import read_network_data
from netweave.meet import services as meet_services
from netweave.networks import services as ns
from netweave.networks.activity_log import database_url
from netweave.networks.models import (
    Activity,
    Identity,
    IdentityMode,
    Introduction,
    Role,
    ValueStory,
    Visibility,
)
from netweave.networks.selectors import person_ref
from netweave.weaving import services
from netweave.weaving.models import StoryLink

pytestmark = pytest.mark.django_db

SLUG = "warmte"


@pytest.fixture
def world():
    fenna, fenna_client = account("fenna", "Fenna Bakker")
    anna, anna_client = account("anna", "Anna de Vries")
    bram, bram_client = account("bram", "Bram Brouwer")
    olga, olga_client = account("olga", "Olga Observer")
    net = ns.create_network(facilitator=fenna, name="Warmte", slug=SLUG,
                            purpose="Van het gas af.", primary_type="action",
                            visibility=Visibility.CLOSED,
                            identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    ns.join_network(net, anna, identity=Identity.PSEUDONYM, pseudonym="Zonnebloem")
    ns.join_network(net, bram)
    ns.join_network(net, olga, role=Role.OBSERVER)
    start = timezone.now() - timedelta(days=3)
    meeting = meet_services.create_event(net, title="Warmteavond", starts_at=start,
                                         ends_at=start + timedelta(hours=2), hosts=[fenna])
    later = meet_services.create_event(net, title="Next evening",
                                       starts_at=start + timedelta(days=9),
                                       ends_at=start + timedelta(days=9, hours=2), hosts=[fenna])
    offer = services.add_offer(net, bram, "Advice on heat-pump subsidies")
    intro = services.make_introduction(net, fenna, anna, bram, "Subsidies")
    return {"net": net, "anna": anna, "bram": bram, "fenna": fenna, "olga": olga,
            "meeting": meeting, "later": later, "offer": offer, "intro": intro,
            "clients": {"fenna": fenna_client, "anna": anna_client, "bram": bram_client,
                        "olga": olga_client}}


def realised(network) -> int:
    data = read_network_data(database_url(), network.pk)
    period = Period.ending(timezone.now() + timedelta(minutes=1), days=90)
    figures = measure(data, period).figures
    return figures["stories"]["by_cycle"].get("realised", 0)


@pytest.mark.django_db(transaction=True)   # the engine reads the database on its own
def test_a_member_tells_a_story_on_the_page_with_what_led_to_it(world):
    client = world["clients"]["anna"]
    page = client.get(f"/n/{SLUG}/weave/stories/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="story-form"' in html and "Warmteavond" in html
    assert "Next evening" not in html            # a meeting that has not begun led to nothing
    assert "Introduction to Bram Brouwer" in html
    before = realised(world["net"])
    answer = client.post(f"/n/{SLUG}/weave/stories/", {
        "title": "Our roof is insulated", "text": "Bram's tip on subsidies paid half.",
        "cycle": "realised", "events": [world["meeting"].pk],
        "introductions": [world["intro"].pk], "offers": [world["offer"].pk]}, follow=True)
    assert "Your story is told." in answer.content.decode()
    story = ValueStory.objects.get()
    assert (story.author, story.cycle) == (world["anna"], "realised")
    links = StoryLink.objects.filter(story=story)
    assert {(x.event_id, x.introduction_id, x.offer_id) for x in links} == {
        (world["meeting"].pk, None, None), (None, world["intro"].pk, None),
        (None, None, world["offer"].pk)}
    row = Activity.objects.get(kind=act.STORY)
    assert (row.actor_id, row.object_id) == (world["anna"].pk, story.pk)
    assert realised(world["net"]) == before + 1

    # Everyone who sees the network's contents reads it, the author under her pseudonym.
    listing = world["clients"]["olga"].get(f"/n/{SLUG}/weave/stories/").content.decode()
    assert "Our roof is insulated" in listing and "Zonnebloem" in listing
    assert "Anna" not in listing and "anna@example.org" not in listing
    assert "Warmteavond" in listing and "Advice on heat-pump subsidies" in listing
    assert 'id="story-form"' not in listing      # an observer does not tell stories


def test_bad_stories_change_nothing_and_say_why(world):
    client = world["clients"]["bram"]
    cases = [
        ({"title": "", "text": "x", "cycle": "applied"}, "This field is required"),
        ({"title": "T", "text": "x", "cycle": "miraculous"}, "Select a valid choice"),
        ({"title": "T", "text": "x", "cycle": "applied", "events": [world["later"].pk]},
         "Select a valid choice"),
    ]
    for data, expected in cases:
        html = client.post(f"/n/{SLUG}/weave/stories/", data, follow=True).content.decode()
        assert expected in html
    with pytest.raises(ValidationError, match="not one you can name"):
        services.tell_story(world["net"], world["bram"], title="T", text="x", cycle="applied",
                            offers=[world["offer"].pk, 10**6])
    with pytest.raises(ValidationError, match="only members tell stories"):
        services.tell_story(world["net"], world["olga"], title="T", text="x", cycle="applied")
    other_net = ns.create_network(facilitator=world["fenna"], name="Elders", slug="elders",
                                  purpose="Elders.", primary_type="practice")
    other = meet_services.create_event(other_net, title="Elsewhere", starts_at=timezone.now(),
                                       ends_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ValidationError, match="Meeting"):
        services.tell_story(world["net"], world["bram"], title="T", text="x", cycle="applied",
                            events=[other.pk])
    assert not ValueStory.objects.exists() and not StoryLink.objects.exists()
    assert not Activity.objects.filter(kind=act.STORY).exists()
    assert world["clients"]["olga"].post(f"/n/{SLUG}/weave/stories/", {
        "title": "T", "text": "x", "cycle": "applied"}).status_code == 403


def test_the_api_lists_and_tells_stories(world):
    client = world["clients"]["bram"]
    url = f"/api/weave/{SLUG}/stories"
    made = client.post(url, {"title": "I learned a lot", "text": "From the evening.",
                             "cycle": "potential", "events": [world["meeting"].pk],
                             "introductions": [world["intro"].pk]},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["author"] == person_ref(world["net"], world["bram"].pk)
    assert (body["events"], body["introductions"], body["offers"]) == (
        [world["meeting"].pk], [world["intro"].pk], [])
    bad = client.post(url, {"title": "x", "text": "y", "cycle": "applied",
                            "offers": [10**6]}, content_type="application/json")
    assert bad.status_code == 400 and "not one you can name" in bad.json()["detail"]
    services.tell_story(world["net"], world["anna"], title="Pseudonymous", text="t",
                        cycle="immediate")
    listed = world["clients"]["olga"].get(url)
    assert listed.status_code == 200
    assert [s["title"] for s in listed.json()] == ["Pseudonymous", "I learned a lot"]
    assert listed.json()[0]["name"] == "Zonnebloem" and "Anna" not in listed.content.decode()
    assert world["clients"]["olga"].post(url, {"title": "x", "text": "y", "cycle": "applied"},
                                         content_type="application/json").status_code == 403


def test_a_valuable_follow_up_asks_for_a_story_and_my_participation_invites_one(world):
    client, intro = world["clients"]["anna"], world["intro"]
    Introduction.objects.filter(pk=intro.pk).update(created_at=F("created_at")
                                                    - timedelta(days=14))
    answer = client.post(f"/n/{SLUG}/weave/introductions/{intro.pk}/answer/",
                         {f"i{intro.pk}-met": "yes", f"i{intro.pk}-valuable": "yes"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/n/{SLUG}/weave/stories/?introduction={intro.pk}#tell"
    page = client.get(answer["Location"]).content.decode()
    assert "Tell it as a value story" in page
    assert f'value="{intro.pk}" id="id_introductions_0" checked' in page

    bram = world["clients"]["bram"]
    no = bram.post(f"/n/{SLUG}/weave/introductions/{intro.pk}/answer/",
                   {f"i{intro.pk}-met": "no"})
    assert no["Location"] == f"/n/{SLUG}/weave/"    # nothing to tell: no story asked for

    mine = client.get(f"/n/{SLUG}/dashboard/me/").content.decode()
    assert f'href="/n/{SLUG}/weave/stories/#tell"' in mine
