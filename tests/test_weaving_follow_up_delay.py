"""The follow-up ("did you meet, was it valuable?") comes only after the configured delay
(14 days by default, issue 17): not on the weaving page, not through the API and not from
``netweave follow_up`` seconds after the introduction."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from conftest import account_with_client as account
from netweave.networks import services as ns
from netweave.networks.models import Introduction
from netweave.weaving import services

pytestmark = pytest.mark.django_db


def made_days_ago(intro: Introduction, days: float) -> None:
    Introduction.objects.filter(pk=intro.pk).update(
        created_at=F("created_at") - timedelta(days=days))
    intro.refresh_from_db()


@pytest.fixture
def world():
    fenna, _ = account("fenna", "Fenna Bakker")
    anna, anna_client = account("anna", "Anna de Vries")
    bram, _ = account("bram", "Bram Brouwer")
    net = ns.create_network(facilitator=fenna, name="Warmte", slug="warmte",
                            purpose="Van het gas af.", primary_type="practice")
    for p in (anna, bram):
        ns.join_network(net, p)
    intro = services.make_introduction(net, fenna, anna, bram)
    mail.outbox.clear()
    return {"net": net, "anna": anna, "bram": bram, "client": anna_client, "intro": intro}


def _answer(client: Client, intro: Introduction):
    return client.post(f"/api/weave/warmte/introductions/{intro.pk}/answer",
                       {"met": True, "valuable": True}, content_type="application/json")


def test_no_follow_up_right_after_the_introduction(world):
    client, intro = world["client"], world["intro"]
    assert b'id="followups"' not in client.get("/n/warmte/weave/").content
    early = _answer(client, intro)
    assert early.status_code == 400 and "when you have had time to meet" in early.json()["detail"]
    with pytest.raises(ValidationError):
        services.answer_follow_up(intro, world["bram"], met=True, valuable=False)
    out = StringIO()
    call_command("follow_up", stdout=out)
    assert out.getvalue().strip() == "follow-up e-mails sent: 0; failed: 0"
    assert not mail.outbox
    made_days_ago(intro, 13.9)
    assert b'id="followups"' not in client.get("/n/warmte/weave/").content


def test_the_follow_up_comes_after_fourteen_days(world):
    client, intro = world["client"], world["intro"]
    made_days_ago(intro, 14)
    assert b'id="followups"' in client.get("/n/warmte/weave/").content
    call_command("follow_up", stdout=StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bram@example.org"]
    assert _answer(client, intro).status_code == 201


def test_the_delay_is_a_setting(world, settings):
    settings.NETWEAVE_FOLLOW_UP_DAYS = 3
    made_days_ago(world["intro"], 3)
    assert b'id="followups"' in world["client"].get("/n/warmte/weave/").content
    call_command("follow_up", stdout=StringIO())
    assert len(mail.outbox) == 2
