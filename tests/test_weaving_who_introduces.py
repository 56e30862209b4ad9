"""Who may introduce (issue 17): a facilitator introduces any two members; anyone else only
themselves to someone, and the e-mail then says who asked ("Anna would like to meet you"),
never "Anna introduces you to Anna"."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from netweave.networks import services as ns
from netweave.networks.models import Introduction, Network, Person
from netweave.networks.selectors import person_ref
from netweave.weaving import services

pytestmark = pytest.mark.django_db


def ref(person: Person) -> str:
    """The person's reference in the network of these tests, as pages and the API take it."""
    return person_ref(Network.objects.get(slug="warmte"), person.pk)


def account(username: str, name: str, lang: str = "en") -> tuple[Person, Client]:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-2026x")
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return Person.objects.create(user=user, name=name, email=user.email), client


@pytest.fixture
def world():
    fenna, fenna_client = account("fenna", "Fenna Bakker")
    anna, anna_client = account("anna", "Anna de Vries")
    bram, _ = account("bram", "Bram Brouwer")
    carla, _ = account("carla", "Carla Smit")
    net = ns.create_network(facilitator=fenna, name="Warmte", slug="warmte",
                            purpose="Van het gas af.", primary_type="practice")
    for p in (anna, bram, carla):
        ns.join_network(net, p)
    return {"net": net, "fenna": fenna, "fenna_client": fenna_client, "anna": anna,
            "anna_client": anna_client, "bram": bram, "carla": carla}


def test_a_member_cannot_introduce_two_other_people(world):
    net, anna, bram, carla = world["net"], world["anna"], world["bram"], world["carla"]
    with pytest.raises(PermissionDenied):
        services.make_introduction(net, anna, bram, carla)
    api = world["anna_client"].post("/api/weave/warmte/introductions",
                                    {"person_a": ref(bram), "person_b": ref(carla)},
                                    content_type="application/json")
    assert api.status_code == 403 and "facilitator" in api.json()["detail"]
    world["anna_client"].post("/n/warmte/weave/introduce/",
                              {"person_a": ref(bram), "person_b": ref(carla)})
    form = world["anna_client"].get("/n/warmte/weave/introduce/").content.decode()
    assert f'value="{ref(bram)}"' in form.split('name="person_b"')[1]
    assert f'value="{ref(bram)}"' not in form.split('name="person_b"')[0]
    assert not Introduction.objects.exists() and not mail.outbox


def test_a_member_asks_to_meet_someone_and_the_mail_says_so(
        world, django_capture_on_commit_callbacks):
    anna, bram = world["anna"], world["bram"]
    with django_capture_on_commit_callbacks(execute=True):
        made = world["anna_client"].post("/n/warmte/weave/introduce/",
                                         {"person_a": ref(anna), "person_b": ref(bram)})
    assert made.status_code == 302 and Introduction.objects.get().introducer == anna
    to_bram = next(m for m in mail.outbox if m.to == [bram.email])
    assert to_bram.subject == "Anna de Vries would like to meet you"
    assert "Anna de Vries asked to meet you" in to_bram.body
    assert "introduces you to" not in to_bram.subject + to_bram.body
    to_anna = next(m for m in mail.outbox if m.to == [anna.email])
    assert to_anna.subject == "You introduced yourself to Bram Brouwer"


def test_a_facilitator_introduces_any_two(world, django_capture_on_commit_callbacks):
    bram, carla = world["bram"], world["carla"]
    with django_capture_on_commit_callbacks(execute=True):
        made = world["fenna_client"].post("/n/warmte/weave/introduce/",
                                          {"person_a": ref(bram), "person_b": ref(carla)})
    assert made.status_code == 302 and Introduction.objects.get().introducer == world["fenna"]
    to_bram = next(m for m in mail.outbox if m.to == [bram.email])
    assert to_bram.subject == "Fenna Bakker introduces you to Carla Smit"
