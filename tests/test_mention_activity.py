"""A mention is an interaction: the author of the post is tied to the person named."""

from __future__ import annotations

import pytest

from netweave.core import activity as act
from netweave.discuss import services
from netweave.networks import services as domain
from netweave.networks.models import Activity, Person

pytestmark = pytest.mark.django_db


def test_naming_a_member_in_a_post_writes_a_mention_row_to_them():
    anna, bram, cas = (Person.objects.create(name=n) for n in ("Anna Vos", "Bram Dijk", "Cas"))
    network = domain.create_network(facilitator=anna, name="Warmte", slug="warmte",
                                    purpose="Warmte.", primary_type="practice")
    domain.join_network(network, bram)
    domain.join_network(network, cas)
    topic = services.start_topic(network, anna, title="Subsidies",
                                 body="@Bram Dijk knows the heat-pump subsidy; not @Nobody.")
    services.reply(topic, cas, "Thanks @Anna Vos, and @Cas is me.", source="api")
    rows = Activity.objects.filter(kind=act.MENTION).order_by("pk")
    assert [(r.actor_id, r.target_id, r.object_type, r.source) for r in rows] == [
        (anna.pk, bram.pk, "post", "web"), (cas.pk, anna.pk, "post", "api")]
    assert act.MENTION in act.CONTRIBUTION_KINDS
